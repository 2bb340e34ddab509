import type { SessionReport } from './queries.ts';
import { formatTime } from './report-format.ts';

type Row = SessionReport['students'][number];
export type Stay = Row['segments'][number];

/** "10:40–10:55 in Room 2": a stay, and the breakout room it was in (none: the class itself). */
export function stayText(s: Stay): string {
  const span = `${formatTime(s.joinedAt)}–${s.leftAt ? formatTime(s.leftAt) : 'now'}`;
  return s.breakoutRoom ? `${span} in ${s.breakoutRoom}` : span;
}

/**
 * "In the room 10:02–10:40, 10:40–10:55 in Room 2; in the meeting 10:01–11:00": what a student's bar shows, for a
 * screen reader (and as its tooltip); stays in a breakout room are named by their room.
 */
export function segmentsText(row: Pick<Row, 'segments' | 'meetingSegments'>): string {
  const parts = [row.segments.length > 0 ? `In the room ${row.segments.map(stayText).join(', ')}` : 'Never in the room'];
  if (row.meetingSegments.length > 0) parts.push(`in the meeting ${row.meetingSegments.map(stayText).join(', ')}`);
  return parts.join('; ');
}

/**
 * A key for each stay of one list: two stays may start in the same millisecond (a class page and a room page opened
 * together, or two rooms' meetings), so the start alone is not unique; its place in the list, oldest first, is.
 */
export const stayKey = (s: Stay, index: number) => `${index}:${s.joinedAt}:${s.breakoutRoom ?? ''}`;

/** Whether the report has anything to say about breakout rooms: some student was put in one. */
export const hasBreakoutRooms = (students: Pick<Row, 'breakoutRooms'>[]) => students.some((r) => r.breakoutRooms.length > 0);
