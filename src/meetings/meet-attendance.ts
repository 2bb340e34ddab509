import type { ConferenceRecord, MeetClient, MeetParticipant } from './meet-client.ts';
import { MeetingProviderError } from './provider.ts';

/** A meeting may open before the class does (the mentor is early): records that started this long before count too. */
const LOOKBACK_MS = 60 * 60_000;
/**
 * Participants whose sessions are read at once: a 1,000-person meeting is over 2,000 requests (sessions, pages and
 * emails), about 30 s at 8 in flight and Google's ~100 ms each; more would only meet Meet's per-minute quotas sooner.
 */
export const PARALLEL_READS = 8;

/** A Google Meet link's meeting code, `abc-mnop-xyz` in https://meet.google.com/abc-mnop-xyz; null for anything else. */
export function meetingCodeOf(url: string | null): string | null {
  const match = url ? /^https:\/\/meet\.google\.com\/([a-z]{3}-[a-z]{4}-[a-z]{3})(?:[/?#]|$)/i.exec(url) : null;
  return match?.[1]?.toLowerCase() ?? null;
}

/** No conference record overlaps the class yet: Google writes them a few minutes after a meeting, so it is retried. */
export class NoMeetRecordError extends MeetingProviderError {
  override name = 'NoMeetRecordError';
  constructor(message: string) {
    super(message, true);
  }
}

/** One row of meeting_participant_segments, before it is written. */
export interface MeetSegment {
  userId: string | null;
  participant: string;
  displayName: string | null;
  email: string | null;
  joinedAt: Date;
  leftAt: Date | null;
}

export interface MeetAttendance {
  segments: MeetSegment[];
  records: number;
  participants: number;
  /** Why signed-in participants could not be matched by email (the People API refused), or null. */
  note: string | null;
}

/**
 * Who was in the class's Google Meet, from the Meet REST API: the conference records of its meeting code that
 * overlap the class span (a Calendar meeting code is reused by every meeting held with it, so a morning and an
 * afternoon class of one day are told apart by time), every participant and every participantSession. Signed-in
 * participants are matched to `members` (lower-cased email → user id) through their directory email; anonymous,
 * phone and unmatched participants are kept with no user.
 */
export async function readMeetAttendance(
  client: MeetClient,
  meetingCode: string,
  span: { start: Date; end: Date },
  members: Map<string, string>,
  signal?: AbortSignal,
): Promise<MeetAttendance> {
  const from = new Date(span.start.getTime() - LOOKBACK_MS);
  const found = await client.conferenceRecords(meetingCode, from, span.end, signal);
  const records = found.filter((r) => overlaps(r, span));
  if (records.length === 0) {
    throw new NoMeetRecordError(
      `No Google Meet record of ${meetingCode} overlaps the class (${span.start.toISOString()} – ${span.end.toISOString()})`,
    );
  }
  const participants: MeetParticipant[] = [];
  for (const record of records) participants.push(...(await client.participants(record.name, signal)));
  // One read failing for good stops the others: the sync fails as a whole and is retried later.
  const stop = new AbortController();
  const reads = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const emails = emailResolver(client, reads);
  const segments: MeetSegment[] = [];
  await inParallel(participants, PARALLEL_READS, stop, async (p) => {
    const sessions = await client.participantSessions(p.name, reads);
    const known = p.signedinUser?.user ? await emails.of(p.signedinUser.user) : [];
    const matched = known.find((e) => members.has(e.toLowerCase()));
    const userId = matched ? (members.get(matched.toLowerCase()) ?? null) : null;
    const displayName = (p.signedinUser ?? p.anonymousUser ?? p.phoneUser)?.displayName ?? null;
    for (const s of sessions) {
      if (!s.startTime) continue;
      const joinedAt = new Date(s.startTime);
      const leftAt = s.endTime ? new Date(s.endTime) : null;
      if (Number.isNaN(joinedAt.getTime()) || (leftAt && !(leftAt >= joinedAt))) continue;
      segments.push({ userId, participant: p.name, displayName, email: matched ?? known[0] ?? null, joinedAt, leftAt });
    }
  });
  return { segments: unique(segments), records: records.length, participants: participants.length, note: emails.note() };
}

function overlaps(record: ConferenceRecord, span: { start: Date; end: Date }): boolean {
  const start = Date.parse(record.startTime);
  const end = record.endTime ? Date.parse(record.endTime) : Number.POSITIVE_INFINITY;
  return start < span.end.getTime() && end > span.start.getTime();
}

/**
 * Emails of signed-in participants, each user read once. A refusal that no retry fixes (the directory scope was not
 * granted) stops the lookups and is reported as a note: the attendance is still worth keeping, unmatched.
 */
function emailResolver(client: MeetClient, signal?: AbortSignal) {
  const cache = new Map<string, Promise<string[]>>();
  let refused: string | null = null;
  const lookup = async (user: string): Promise<string[]> => {
    if (refused) return [];
    try {
      return (await client.emailsOf(user, signal)) ?? [];
    } catch (err) {
      if (err instanceof MeetingProviderError && !err.retryable) {
        refused = err.message;
        return [];
      }
      throw err;
    }
  };
  return {
    of(user: string): Promise<string[]> {
      const cached = cache.get(user);
      if (cached) return cached;
      const emails = lookup(user);
      cache.set(user, emails);
      return emails;
    },
    note: () => (refused ? `Signed-in participants were not matched to the roster: their emails could not be read (${refused})` : null),
  };
}

/** The table keeps one row per participant and join time; a repeated session from the API is dropped. */
function unique(segments: MeetSegment[]): MeetSegment[] {
  const seen = new Map<string, MeetSegment>();
  for (const s of segments) seen.set(`${s.participant}\n${s.joinedAt.getTime()}`, s);
  return [...seen.values()];
}

/** `work` on every item, `width` at a time; the first failure aborts `stop`, lets the lanes wind down, and is thrown. */
async function inParallel<T>(items: T[], width: number, stop: AbortController, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      try {
        await work(items[next++] as T);
      } catch (error) {
        failure ??= { error };
        stop.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  if (failure) throw failure.error;
}
