import type { SessionReport } from '../lib/queries.ts';
import { type Stay, segmentsText, stayKey, stayText } from '../lib/report-stays.ts';

type Row = SessionReport['students'][number];

/** The span every student's bar is drawn over: the class as it ran, or as planned while it never started. */
export function classSpan(report: SessionReport): { start: number; end: number } {
  const { summary } = report;
  const start = Date.parse(summary.actualStart ?? summary.scheduledStart);
  const end = Date.parse(summary.actualEnd ?? (summary.actualStart ? report.generatedAt : summary.scheduledEnd));
  // A class that ended within a second still gets a span to draw on.
  return { start, end: Math.max(end, start + 1000) };
}

function Track({ spans, span, now, kind }: { spans: Stay[]; span: { start: number; end: number }; now: number; kind: string }) {
  const width = span.end - span.start;
  const pct = (t: number) => (Math.min(Math.max(t, span.start), span.end) - span.start) / width;
  return (
    <span className={`seg-track seg-${kind}`}>
      {spans.map((s, i) => {
        const left = pct(Date.parse(s.joinedAt));
        const right = pct(s.leftAt ? Date.parse(s.leftAt) : now);
        // A stay of a few seconds still shows as a sliver, so "was there briefly" never looks like "never came".
        return (
          <span
            key={stayKey(s, i)}
            className={s.breakoutRoom ? 'seg-breakout' : undefined}
            title={s.breakoutRoom ? stayText(s) : undefined}
            style={{ left: `${left * 100}%`, width: `max(2px, ${(right - left) * 100}%)` }}
          />
        );
      })}
    </span>
  );
}

/**
 * One student's time over the class span: room stays on the upper track (those in a breakout room in their own
 * colour), meeting stays (when the meeting reported them) on the lower one. The picture is one image named by the
 * same times in words, each breakout stay with its room.
 */
export function SegmentBar({ row, span, now }: { row: Row; span: { start: number; end: number }; now: number }) {
  return (
    <span className="seg" role="img" aria-label={segmentsText(row)} title={segmentsText(row)}>
      <Track spans={row.segments} span={span} now={now} kind="room" />
      {row.meetingSegments.length > 0 && <Track spans={row.meetingSegments} span={span} now={now} kind="meeting" />}
    </span>
  );
}
