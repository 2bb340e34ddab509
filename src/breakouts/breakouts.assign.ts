import { randomInt } from 'node:crypto';
import type { StoredGroup } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { BreakoutOpenBody } from './breakouts.schemas.ts';

/**
 * The rooms' names: the given names; else, for groups, the groups' names then "Room k"; else "Room 1".."Room N".
 * `groups` is the group set's groups (for a count of rooms with assignment groups).
 */
export function roomNames(rooms: BreakoutOpenBody['rooms'], groups: StoredGroup[] = []): string[] {
  if (Array.isArray(rooms)) return rooms;
  return Array.from({ length: rooms }, (_, i) => groups[i]?.name ?? `Room ${i + 1}`);
}

/** The refusal of a body that does not fit its mode (VALIDATION_FAILED naming the field). */
export function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, [{ field, message }]);
}

/**
 * Fields that only one mode reads are refused in the others, so a client learns at once that they had no effect:
 * `assignments` (manual), `groupSetId` (groups), `capacity` (self-select).
 */
export function requireFieldsOfMode(body: BreakoutOpenBody): void {
  const mode = body.assignment;
  if (body.assignments && mode !== 'manual') throw invalid('body.assignments', 'is for assignment "manual" only');
  if (body.groupSetId && mode !== 'groups') throw invalid('body.groupSetId', 'is for assignment "groups" only');
  if (body.capacity !== undefined && mode !== 'self-select') throw invalid('body.capacity', 'is for assignment "self-select" only');
  if (mode === 'groups' && !body.groupSetId) throw invalid('body.groupSetId', 'is required for assignment "groups"');
}

/** An unbiased shuffle (Fisher–Yates), so no student is more likely than another to land in the first room. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** random: the students in a random order, dealt round the rooms, so room sizes differ by at most one. */
export function spreadEvenly(userIds: string[], roomCount: number): Map<string, number> {
  return new Map(shuffled(userIds).map((id, i) => [id, i % roomCount]));
}

/** groups: every roster student of group i goes to room i (a student in two groups, to the first). */
export function byGroups(groups: StoredGroup[], students: Set<string>): Map<string, number> {
  const placed = new Map<string, number>();
  groups.forEach((group, i) => {
    for (const id of group.memberIds) if (students.has(id) && !placed.has(id)) placed.set(id, i);
  });
  return placed;
}

/** manual: `assignments`, each index within the rooms and each user a roster student (else NOT_ON_ROSTER). */
export function byAssignments(assignments: Record<string, number>, roomCount: number, students: Set<string>): Map<string, number> {
  const entries = Object.entries(assignments);
  const beyond = entries.find(([, index]) => index >= roomCount);
  if (beyond) throw invalid(`body.assignments.${beyond[0]}`, `room index ${beyond[1]} is beyond the ${roomCount} rooms`);
  const strangers = entries.map(([id]) => id).filter((id) => !students.has(id));
  if (strangers.length > 0) {
    const named = strangers.slice(0, 10);
    throw new AppError(
      'NOT_ON_ROSTER',
      `Not students on this course's roster: ${named.join(', ')}${strangers.length > named.length ? ` and ${strangers.length - named.length} more` : ''}`,
      named.map((id) => ({ field: `body.assignments.${id}`, message: `${id} is not a student of this course` })),
    );
  }
  return new Map(entries);
}

/** The room with the fewest members (ties: the lowest position); `rooms` are in position order. */
export function smallestRoom<R extends { id: string }>(rooms: R[], sizes: Map<string, number>): R | undefined {
  let best: R | undefined;
  for (const room of rooms) if (!best || (sizes.get(room.id) ?? 0) < (sizes.get(best.id) ?? 0)) best = room;
  return best;
}
