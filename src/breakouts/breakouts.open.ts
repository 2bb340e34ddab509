import type { Transaction } from 'kysely';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { recordChange, seqOf } from '../classroom/class-deps.ts';
import { sessionNotFound, sessionTarget } from '../classroom/session-access.ts';
import { requireLive } from '../classroom/session-guards.ts';
import type { Database, LiveSessionRow, NewLiveSession, StoredGroup } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { findGroupSet, findRosterStudentIds } from '../groups/group-sets.repo.ts';
import type { MeetingPlan } from '../meetings/meetings.service.ts';
import { lockSession } from '../sessions/sessions.repo.ts';
import { byAssignments, byGroups, invalid, requireFieldsOfMode, roomNames, spreadEvenly } from './breakouts.assign.ts';
import type { BreakoutDeps, RoundChanges } from './breakouts.changes.ts';
import {
  findActiveRound,
  insertMembers,
  insertRoomSessions,
  insertRooms,
  insertRound,
  listPresentStudentIds,
  type RoomRow,
  type RoundRow,
} from './breakouts.repo.ts';
import type { BreakoutOpenBody, BreakoutResult } from './breakouts.schemas.ts';

/** live_sessions.title holds at most this many characters. */
const TITLE_MAX = 200;

export const alreadyOpen = () => new AppError('BREAKOUT_ALREADY_OPEN', 'This class has a breakout round open; close it first');

/** `"<room name> · <class title>"`, the class's title shortened to fit. */
const roomTitle = (name: string, classTitle: string) => `${name} · ${classTitle}`.slice(0, TITLE_MAX);

/**
 * What can be refused before anything is locked: not a room, live, the fields of the mode, the group set, the
 * pasted links. Returns the group set's groups (groups mode) and the rooms' names.
 */
async function checkOpen(deps: BreakoutDeps, cls: LiveSessionRow, body: BreakoutOpenBody) {
  if (cls.parent_session_id) throw new AppError('BREAKOUT_IN_ROOM', 'A breakout room cannot have breakout rooms of its own');
  requireLive(cls);
  requireFieldsOfMode(body);
  let groups: StoredGroup[] = [];
  if (body.assignment === 'groups' && body.groupSetId) {
    const set = await findGroupSet(deps.db, cls.course_id, body.groupSetId);
    if (!set) throw new AppError('GROUP_SET_NOT_FOUND', `Group set ${body.groupSetId} was not found in this course`);
    groups = set.groups;
  }
  const names = roomNames(body.rooms, groups);
  if (groups.length > names.length) throw invalid('body.rooms', `the group set has ${groups.length} groups: at least as many rooms`);
  if (body.meetingUrls) {
    if (cls.meeting_provider !== 'manual')
      throw invalid('body.meetingUrls', `is for a class with a pasted link; this one's is ${cls.meeting_provider}`);
    if (body.meetingUrls.length !== names.length) throw invalid('body.meetingUrls', `must hold one link per room (${names.length})`);
  }
  return { groups, names };
}

/** Who goes where at open, by the mode (read in the open's transaction). */
async function placements(trx: Transaction<Database>, cls: LiveSessionRow, body: BreakoutOpenBody, groups: StoredGroup[], rooms: number) {
  switch (body.assignment) {
    case 'random':
      return spreadEvenly(await listPresentStudentIds(trx, cls.id, cls.course_id), rooms);
    case 'manual':
      return byAssignments(body.assignments ?? {}, rooms, await findRosterStudentIds(trx, cls.course_id));
    case 'groups':
      return byGroups(groups, await findRosterStudentIds(trx, cls.course_id));
    case 'self-select':
      return new Map<string, number>();
  }
}

/** A room's session: the class's course, mentor, provider and settings; live from now for the round's duration. */
function roomSession(cls: LiveSessionRow, name: string, plan: MeetingPlan, body: BreakoutOpenBody, now: Date): NewLiveSession {
  return {
    course_id: cls.course_id,
    title: roomTitle(name, cls.title),
    description: null,
    mentor_id: cls.mentor_id,
    scheduled_start: now,
    duration_minutes: body.durationMinutes,
    status: 'live',
    actual_start: now,
    ...plan,
    chat_enabled: cls.chat_enabled,
    qa_enabled: cls.qa_enabled,
    polls_enabled: cls.polls_enabled,
    anonymous_questions: cls.anonymous_questions,
    review_questions: cls.review_questions,
    parent_session_id: cls.id,
    updated_at: now,
  };
}

/**
 * The rooms of a new round: a live session each (with its link planned as a new session of the class's provider
 * gets one, and owed to the provider's job queue), then the rooms in order. Returns them, and whether the meeting
 * worker has work.
 */
async function createRooms(
  deps: BreakoutDeps,
  trx: Transaction<Database>,
  cls: LiveSessionRow,
  round: RoundRow,
  names: string[],
  body: BreakoutOpenBody,
) {
  const { meetings } = deps;
  const choice = (i: number) =>
    cls.meeting_provider === 'manual' ? { provider: 'manual' as const, url: body.meetingUrls?.[i] } : { provider: cls.meeting_provider };
  const plans = names.map((name, i) => meetings.plan(roomTitle(name, cls.title), choice(i), 'body.rooms'));
  const sessions = await insertRoomSessions(
    trx,
    names.map((name, i) => roomSession(cls, name, plans[i] as MeetingPlan, body, round.opened_at)),
  );
  let owes = false;
  for (const [i, s] of sessions.entries()) owes = (await meetings.owe(trx, s.id, plans[i] as MeetingPlan)) || owes;
  const rooms = await insertRooms(
    trx,
    sessions.map((s, position) => ({ round_id: round.id, position, name: names[position] as string, session_id: s.id })),
  );
  return { rooms, owes };
}

/**
 * Opens a round: in one transaction under the class's lock, the round, one live child session per room, the rooms
 * and the placements, and `breakout:opened` in the class's log. The caller arms the round's timer with the row.
 */
export async function openRound(
  deps: BreakoutDeps,
  changes: RoundChanges,
  actor: Actor,
  cls: LiveSessionRow,
  body: BreakoutOpenBody,
): Promise<{ result: BreakoutResult; round: RoundRow }> {
  const target = sessionTarget(cls);
  const { groups, names } = await deps.audit.guard(actor, 'breakout.open', target, () => checkOpen(deps, cls, body));
  const { result, events } = await deps.audit.guard(actor, 'breakout.open', target, () =>
    recordChange({ db: deps.db, publish: changes.publish }, cls.id, async (trx) => {
      const locked = await lockSession(trx, cls.id);
      if (!locked) throw sessionNotFound(cls.id);
      requireLive(locked);
      if (await findActiveRound(trx, cls.id)) throw alreadyOpen();
      const placed = await placements(trx, locked, body, groups, names.length);
      const round = await insertRound(trx, roundValues(actor, cls, body, new Date()));
      const { rooms, owes } = await createRooms(deps, trx, locked, round, names, body);
      const members = [...placed].map(([userId, i]) => ({ round_id: round.id, user_id: userId, room_id: (rooms[i] as RoomRow).id }));
      await insertMembers(trx, members);
      const details = { roundId: round.id, assignment: body.assignment, rooms: rooms.length, placed: members.length };
      await insertAuditEntry(trx, auditEntry(actor, 'breakout.open', target, 'success', details));
      const opened = await changes.eventOf(trx, 'breakout:opened', round);
      return { result: { round, owes, dto: opened.payload.round }, events: [opened] };
    }),
  );
  if (result.owes) deps.meetings.kick();
  return { result: { round: result.dto, seq: seqOf(events) }, round: result.round };
}

function roundValues(actor: Actor, cls: LiveSessionRow, body: BreakoutOpenBody, now: Date) {
  return {
    session_id: cls.id,
    assignment: body.assignment,
    group_set_id: body.groupSetId ?? null,
    capacity: body.capacity ?? null,
    duration_minutes: body.durationMinutes,
    warning_seconds: body.warningSeconds,
    opened_by: actor.id,
    opened_at: now,
    ends_at: new Date(now.getTime() + body.durationMinutes * 60_000),
  };
}
