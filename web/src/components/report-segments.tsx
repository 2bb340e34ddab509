import type { SessionReport } from '../lib/queries.ts';
import { formatTime } from '../lib/report-format.ts';

type Row = SessionReport['students'][number];
type Span = Row['segments'][number];

/** The span every student's bar is drawn over: the class as it ran, or as planned while it never started. */
export function classSpan(report: SessionReport): { start: number; end: number } {
  const { summary } = report;
  const start = Date.parse(summary.actualStart ?? summary.scheduledStart);
  const end = Date.parse(summary.actualEnd ?? (summary.actualStart ? report.generatedAt : summary.scheduledEnd));
  // A class that ended within a second still gets a span to draw on.
  return { start, end: Math.max(end, start + 1000) };
}

const spanText = (s: Span) => `${formatTime(s.joinedAt)}–${s.leftAt ? formatTime(s.leftAt) : 'now'}`;

/** "In the room 10:02–10:40, 10:45–11:00; in the meeting 10:01–11:00": what the bar shows, for a screen reader. */
export function segmentsText(row: Pick<Row, 'segments' | 'meetingSegments'>): string {
  const parts = [row.segments.length > 0 ? `In the room ${row.segments.map(spanText).join(', ')}` : 'Never in the room'];
  if (row.meetingSegments.length > 0) parts.push(`in the meeting ${row.meetingSegments.map(spanText).join(', ')}`);
  return parts.join('; ');
}

function Track({ spans, span, now, kind }: { spans: Span[]; span: { start: number; end: number }; now: number; kind: string }) {
  const width = span.end - span.start;
  const pct = (t: number) => (Math.min(Math.max(t, span.start), span.end) - span.start) / width;
  return (
    <span className={`seg-track seg-${kind}`}>
      {spans.map((s) => {
        const left = pct(Date.parse(s.joinedAt));
        const right = pct(s.leftAt ? Date.parse(s.leftAt) : now);
        // A stay of a few seconds still shows as a sliver, so "was there briefly" never looks like "never came".
        return <span key={s.joinedAt} style={{ left: `${left * 100}%`, width: `max(2px, ${(right - left) * 100}%)` }} />;
      })}
    </span>
  );
}

/**
 * One student's time over the class span: room stays on the upper track, meeting stays (when the meeting reported
 * them) on the lower one. The picture is one image named by the same times in words.
 */
export function SegmentBar({ row, span, now }: { row: Row; span: { start: number; end: number }; now: number }) {
  return (
    <span className="seg" role="img" aria-label={segmentsText(row)} title={segmentsText(row)}>
      <Track spans={row.segments} span={span} now={now} kind="room" />
      {row.meetingSegments.length > 0 && <Track spans={row.meetingSegments} span={span} now={now} kind="meeting" />}
    </span>
  );
}
