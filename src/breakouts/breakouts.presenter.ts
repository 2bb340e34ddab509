import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import { getOrCreate } from '../maps.ts';
import { listMembersOf, listRoomsOf, type MemberRow, type RoomWithMeeting, type RoundRow } from './breakouts.repo.ts';
import type { BreakoutRound } from './breakouts.schemas.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** One round as every event and GET shows it: its rooms in order, who is in each, their link state and help. */
export function toRoundDto(round: RoundRow, rooms: RoomWithMeeting[], members: MemberRow[]): BreakoutRound {
  const byRoom = new Map<string, string[]>();
  for (const m of members) getOrCreate(byRoom, m.room_id, () => []).push(m.user_id);
  return {
    id: round.id,
    sessionId: round.session_id,
    status: round.status,
    assignment: round.assignment,
    capacity: round.capacity,
    rooms: rooms.map((r) => ({
      id: r.id,
      name: r.name,
      sessionId: r.session_id,
      memberIds: byRoom.get(r.id) ?? [],
      meeting: { status: r.meeting_status },
      helpRequestedAt: iso(r.help_requested_at),
    })),
    openedAt: round.opened_at.toISOString(),
    endsAt: round.ends_at.toISOString(),
    warningSeconds: round.warning_seconds,
    closedAt: iso(round.closed_at),
    broadcast: round.broadcast && round.broadcast_at ? { text: round.broadcast, at: round.broadcast_at.toISOString() } : null,
  };
}

/**
 * The rounds as the API shows them, read in two statements whatever their number: the one builder behind every
 * breakout event and GET, so a client sees one shape everywhere. Inside a change it reads through the change's
 * transaction, so the event says what was committed.
 */
export async function loadRoundDtos(db: Kysely<Database>, rounds: RoundRow[]): Promise<BreakoutRound[]> {
  const ids = rounds.map((r) => r.id);
  const [rooms, members] = await Promise.all([listRoomsOf(db, ids), listMembersOf(db, ids)]);
  return rounds.map((round) =>
    toRoundDto(
      round,
      rooms.filter((r) => r.round_id === round.id),
      members.filter((m) => m.round_id === round.id),
    ),
  );
}

export async function loadRoundDto(db: Kysely<Database>, round: RoundRow): Promise<BreakoutRound> {
  const [dto] = await loadRoundDtos(db, [round]);
  if (!dto) throw new Error(`Breakout round ${round.id} could not be shown`);
  return dto;
}
