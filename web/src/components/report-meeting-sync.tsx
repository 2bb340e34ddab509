import { useQueryClient } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import { keys, type SessionReport } from '../lib/queries.ts';
import { ActionError, useAction } from './class-action.tsx';

/**
 * "Read the meeting's attendance again" for a Google Meet class that has ended (the sync state is none for any other
 * class): Google keeps the participant list for 30 days, so a failed or early read can be repeated.
 */
export function ReportMeetingSync({ report }: { report: SessionReport }) {
  const queryClient = useQueryClient();
  const action = useAction();
  const { status } = report.summary.meetingSync;
  if (status === 'none' || report.status !== 'completed') return null;

  async function sync() {
    const done = await action.run(() => api('POST', `/api/live-sessions/${encodeURIComponent(report.sessionId)}/report/meeting-sync`));
    if (done !== undefined) await queryClient.invalidateQueries({ queryKey: keys.report(report.sessionId) });
  }

  return (
    <div className="report-meeting-sync">
      <button type="button" className="secondary" disabled={action.pending || status === 'pending'} onClick={() => void sync()}>
        Read Google Meet attendance again
      </button>
      <ActionError error={action.error} />
    </div>
  );
}
