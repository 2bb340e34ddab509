import { apiDownload } from '../lib/api.ts';
import { ActionError, useAction } from './class-action.tsx';

/**
 * One button per CSV table the API exports (`?format=csv&table=…`). The server writes the file (UTF-8, one time
 * format, formula-safe cells); the browser only saves it, so the download is exactly what the API documents.
 */
export function CsvDownloads({
  path,
  query,
  tables,
  fileStem,
}: {
  /** The report's path, e.g. `/api/live-sessions/:id/report`. */
  path: string;
  /** Extra query parameters (a course report's range). */
  query?: URLSearchParams;
  tables: { table: string; label: string }[];
  /** The file name's start when the reply names none: `<stem>-<table>.csv`. */
  fileStem: string;
}) {
  const action = useAction();
  function download(table: string) {
    const params = new URLSearchParams(query);
    params.set('format', 'csv');
    params.set('table', table);
    void action.run(() => apiDownload(`${path}?${params}`, `${fileStem}-${table}.csv`));
  }
  return (
    <section aria-labelledby="csv-h" className="report-section report-downloads">
      <h2 id="csv-h">Download as CSV</h2>
      <div className="sched-actions">
        {tables.map(({ table, label }) => (
          <button key={table} type="button" className="secondary" disabled={action.pending} onClick={() => download(table)}>
            {label}
          </button>
        ))}
      </div>
      <ActionError error={action.error} />
    </section>
  );
}
