import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import { keys, meetingSyncQuery, type SessionReport } from '../lib/queries.ts';
import { ActionError, useAction } from './class-action.tsx';

/**
 * "Read the meeting's attendance again", shown exactly when the server would accept it (its own `available`: an
 * ended class with a Google Meet link, made by the server or pasted, on a server that reads Meet attendance). Google
 * keeps the participant list for 30 days, so a failed or early read can be repeated.
 */
export function ReportMeetingSync({ report }: { report: SessionReport }) {
  const queryClient = useQueryClient();
  const action = useAction();
  const sync = useQuery({ ...meetingSyncQuery(report.sessionId), enabled: report.status === 'completed' });
  if (report.status !== 'completed' || !sync.data?.available) return null;

  async function run() {
    const done = await action.run(() => api('POST', `/api/live-sessions/${encodeURIComponent(report.sessionId)}/report/meeting-sync`));
    // The report's key covers the sync state's, so both are read again.
    if (done !== undefined) await queryClient.invalidateQueries({ queryKey: keys.report(report.sessionId) });
  }

  return (
    <div className="report-meeting-sync">
      <button type="button" className="secondary" disabled={action.pending || sync.data.status === 'pending'} onClick={() => void run()}>
        Read Google Meet attendance again
      </button>
      <ActionError error={action.error} />
    </div>
  );
}
