import type { MeetingGuestStay } from '../report-input.ts';
import type { SessionReport } from '../reports.schemas.ts';
import { isoOrNull, isoUtc, minutes1 } from './numbers.ts';
import { type ClassWindow, countableIntervals, totalMs } from './spans.ts';

type MeetingGuest = SessionReport['meetingGuests'][number];

/**
 * People the video meeting saw whom the sync could not match to anyone (an outside account, a phone dial-in, an
 * anonymous guest): one entry per meeting participant, with their minutes counted as a student's are (clipped to the
 * class, overlaps once), first join and last leave as stored (lastLeftAt null while a stay is open), by first join.
 * A breakout room's meeting is a meeting of its own: its guests are entries of their own, named with the room.
 */
export function meetingGuests(stays: readonly MeetingGuestStay[], window: ClassWindow, now: Date): MeetingGuest[] {
  // A participant id is one meeting's: the same name in two rooms is two participants.
  const byParticipant = Map.groupBy(stays, (s) => `${s.breakoutRoom ?? ''}\u0000${s.participant}`);
  const guests = [...byParticipant.values()].map((own) => {
    const first = Math.min(...own.map((s) => s.joinedAt.getTime()));
    const open = own.some((s) => s.leftAt === null);
    const last = Math.max(...own.map((s) => s.leftAt?.getTime() ?? 0));
    // The name and email as last reported (a participant may rename during the call).
    const latest = own.reduce((a, b) => (b.joinedAt >= a.joinedAt ? b : a));
    return {
      displayName: latest.displayName,
      email: latest.email,
      minutes: minutes1(totalMs(countableIntervals(own, window, now))),
      firstJoinedAt: isoUtc(first),
      lastLeftAt: open ? null : isoOrNull(new Date(last)),
      ...(latest.breakoutRoom !== undefined && { breakoutRoom: latest.breakoutRoom }),
    };
  });
  return guests.sort((a, b) => a.firstJoinedAt.localeCompare(b.firstJoinedAt) || (a.displayName ?? '').localeCompare(b.displayName ?? ''));
}
