import type { z } from 'zod';
import type { attendanceReport } from '../../../src/attendance/attendance.schemas.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { localDate, viewerTimeZone } from './schedule-when.tsx';

export type AttendanceReport = z.infer<typeof attendanceReport>;
type Row = AttendanceReport['students'][number];

/**
 * One CSV field (RFC 4180: quoted when it holds a quote, comma or line break; quotes doubled). Names and emails come
 * from users, and a spreadsheet runs a cell that starts with = + - @ as a formula (tab and CR too: some skip them
 * before one), so such text gets a leading single quote and opens as plain text.
 */
export function csvField(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `YYYY-MM-DD HH:mm:ss` in the viewer's zone: spreadsheets read it as a date, unlike an ISO instant with `Z`. */
function localDateTime(iso: string | null): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${localDate(d)} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function rosterLabel(row: Row): string {
  return row.rosterRole ?? 'not on roster';
}

/** The report as CSV text (CRLF line ends, per RFC 4180): roster students first, then everyone else who joined. */
export function attendanceCsv(report: AttendanceReport): string {
  const zone = viewerTimeZone();
  const header = [
    'Name',
    'Email',
    'Roster role',
    'Attendance',
    'Minutes attended',
    `First join (${zone})`,
    `Last leave (${zone})`,
    'In class now',
    'Times joined',
  ];
  const rows = [...report.students, ...report.others].map((r) => [
    r.name,
    r.email,
    rosterLabel(r),
    r.status === 'present' ? 'Present' : 'Absent',
    r.minutesPresent,
    localDateTime(r.firstJoin),
    localDateTime(r.lastLeave),
    r.presentNow ? 'yes' : 'no',
    r.segments,
  ]);
  return `${[header, ...rows].map((cells) => cells.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** A file-name-safe form of a title: ASCII letters and digits joined by hyphens ("Café: Graphs!" → "cafe-graphs"). */
export function slug(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60)
    .replace(/^-+|-+$/g, '');
  return s || 'session';
}

/** `attendance-<title-slug>-<date>.csv`, the date being the session's planned day in the viewer's zone. */
export function csvFileName(session: Pick<SessionDto, 'title' | 'scheduledStart'>): string {
  return `attendance-${slug(session.title)}-${localDate(new Date(session.scheduledStart))}.csv`;
}

/** Builds the CSV in the browser and saves it through a Blob URL: no second request, and the file matches the table. */
export function ReportDownloadButton({ report, session }: { report: AttendanceReport; session: SessionDto }) {
  function download() {
    // The byte-order mark makes Excel read the file as UTF-8, so accented names survive.
    const blob = new Blob(['\uFEFF', attendanceCsv(report)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = csvFileName(session);
    document.body.append(link);
    link.click();
    link.remove();
    // Not at once: some browsers read the Blob only after click() returns.
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
  }
  return (
    <button type="button" onClick={download}>
      Download CSV
    </button>
  );
}
