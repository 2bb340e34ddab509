import type { SessionReport } from '../lib/queries.ts';
import { formatDateTime } from './schedule-when.tsx';
import { formatMinutes, formatNumber, formatPercent, formatTime, plural, STATUS_TEXT, STATUSES } from '../lib/report-format.ts';

type Summary = SessionReport['summary'];

/** What the meeting-data tile says: whether Google Meet's own participant list is in the report. */
function meetingSyncText(sync: Summary['meetingSync']): { value: string; note: string | null } {
  switch (sync.status) {
    case 'none':
      return { value: 'None', note: 'Times are from the class page only.' };
    case 'pending':
      return { value: 'Pending', note: 'Meeting data is being read; the report will include it when done.' };
    case 'done':
      return { value: 'Included', note: sync.syncedAt ? `Read ${formatDateTime(sync.syncedAt)}.` : null };
    case 'failed':
      return { value: 'Failed', note: sync.error };
  }
}

function Tile({ label, value, note, tone }: { label: string; value: string; note?: string | null; tone?: string }) {
  return (
    <div className={`tile${tone ? ` tile-${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd>
        <span className="tile-value">{value}</span>
        {note && <span className="tile-note">{note}</span>}
      </dd>
    </div>
  );
}

/** The class at a glance: one tile per figure, as a description list so each number is read with its name. */
export function ReportTiles({ summary }: { summary: Summary }) {
  const { counts, questions } = summary;
  const attended = counts.present + counts.late;
  const sync = meetingSyncText(summary.meetingSync);
  return (
    <dl className="tiles" aria-label="Summary">
      <Tile
        label="Attendance rate"
        value={formatPercent(summary.attendanceRate)}
        note={`${attended} of ${plural(summary.rosterStudents, 'student', 'students')} present or late`}
        tone="lead"
      />
      {STATUSES.map((s) => (
        <Tile key={s} label={STATUS_TEXT[s]} value={String(counts[s])} tone={s} />
      ))}
      <Tile
        label="Peak in class"
        value={String(summary.peakConcurrent)}
        note={summary.peakAt ? `at ${formatTime(summary.peakAt)}` : null}
      />
      <Tile label="Average in class" value={formatNumber(summary.averageConcurrent)} />
      <Tile label="Median time" value={formatMinutes(summary.medianMinutes)} note={`of ${formatMinutes(summary.classMinutes)}`} />
      <Tile label="Chat messages" value={String(summary.messages)} />
      <Tile
        label="Questions"
        value={String(questions.total)}
        note={`${questions.answered} answered, ${questions.open} open, ${questions.dismissed} dismissed`}
      />
      <Tile label="Poll response rate" value={formatPercent(summary.pollResponseRate)} />
      <Tile label="Quiz average" value={formatPercent(summary.quizAverage)} />
      <Tile
        label="Meeting data"
        value={sync.value}
        note={sync.note}
        tone={summary.meetingSync.status === 'failed' ? 'absent' : undefined}
      />
    </dl>
  );
}
