import { useQueryClient } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import { formatDateTime } from './schedule-when.tsx';
import { keys, type SessionReport } from '../lib/queries.ts';
import { ActionError, useAction } from './class-action.tsx';

type Publication = NonNullable<SessionReport['ltiGrades']>[number];

const KIND = { attendance: 'Attendance', quiz: 'Quiz scores' } as const;

function stateText(p: Publication): string {
  if (p.status === 'sent') {
    if (!p.lineItemUrl) return 'nothing to send (no quiz in this class)';
    const refused = p.scoresRefused ? `; ${p.scoresRefused} refused by the LMS (not enrolled there any more?)` : '';
    return `sent for ${p.scoresSent ?? 0} students${refused}`;
  }
  if (p.status === 'pending')
    return p.attempts > 0 && p.nextAttemptAt ? `pending, trying again at ${formatDateTime(p.nextAttemptAt)}` : 'pending';
  return `failed: ${p.lastError ?? 'unknown reason'}`;
}

/**
 * Grades sent to the LMS gradebook after the class (LTI AGS), one line per kind the course publishes, with "Send
 * again" when one failed. Nothing shows for a course that publishes nothing.
 */
export function ReportLtiGrades({ report }: { report: SessionReport }) {
  const queryClient = useQueryClient();
  const action = useAction();
  const publications = report.ltiGrades ?? [];
  if (publications.length === 0) return null;

  async function retry() {
    const done = await action.run(() => api('POST', `/api/live-sessions/${encodeURIComponent(report.sessionId)}/lti-grades/retry`));
    if (done !== undefined) await queryClient.invalidateQueries({ queryKey: keys.report(report.sessionId) });
  }

  return (
    <section aria-labelledby="lti-grades-h" className="report-section">
      <h2 id="lti-grades-h">Grades to the LMS</h2>
      <ul>
        {publications.map((p) => (
          <li key={p.kind} className={p.status === 'failed' ? 'error' : undefined}>
            {KIND[p.kind]}: {stateText(p)}
          </li>
        ))}
      </ul>
      {publications.some((p) => p.status === 'failed') && (
        <button type="button" className="secondary" disabled={action.pending} onClick={() => void retry()}>
          Send again
        </button>
      )}
      <ActionError error={action.error} />
    </section>
  );
}
