import { googleAuthClient } from './google.provider.ts';
import { DIRECTORY_READ_SCOPE, type GoogleApiName, MEET_READ_SCOPE, meetFailure } from './meet-errors.ts';
import type { GoogleConfig } from './meetings.config.ts';

/** Each request's own limit: one stalled answer is retried alone instead of stalling a sync of a thousand reads. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Tries of one request that failed in passing (a timeout, a dropped connection, a 5xx, a short 429) before the sync fails. */
const REQUEST_TRIES = 3;
/** A 429 that asks to wait longer than this is left to the sync's own, durable backoff. */
const MAX_INLINE_WAIT_MS = 5_000;
/** A runaway pagination (a token that never ends) stops here rather than looping for ever. */
const MAX_PAGES = 200;

/** Meet REST v2 `conferenceRecords`: one meeting held in a space (a Calendar Meet code is reused by every meeting). */
export interface ConferenceRecord {
  name: string;
  startTime: string;
  /** Absent while the conference is still going on. */
  endTime?: string;
}

/** Meet REST v2 `participants`: exactly one of the three kinds is set. */
export interface MeetParticipant {
  name: string;
  signedinUser?: { user?: string; displayName?: string };
  anonymousUser?: { displayName?: string };
  phoneUser?: { displayName?: string };
}

/** One join of a participant from one device; `endTime` absent while still in the call. */
export interface ParticipantSession {
  name: string;
  startTime?: string;
  endTime?: string;
}

export type MeetClient = ReturnType<typeof createMeetClient>;

export interface MeetClientOptions {
  /** Each request's limit (default 15 s). */
  requestTimeoutMs?: number;
  /** The first pause before a request is tried again; doubled per try (default 500 ms). */
  retryDelayMs?: number;
}

/**
 * Plain REST calls to the Google Meet API v2 (conference records, participants, participant sessions) and the People
 * API (a signed-in participant's email), through google-auth-library's authorized client, like the Calendar provider.
 * A request that fails in passing is tried again here, a few times, so a large meeting's sync survives one bad answer
 * among thousands; what persists fails the call, and the meeting worker retries the whole sync with its durable backoff.
 */
export function createMeetClient(config: GoogleConfig, options: MeetClientOptions = {}) {
  const { requestTimeoutMs = REQUEST_TIMEOUT_MS, retryDelayMs = 500 } = options;
  const client = googleAuthClient(config, [MEET_READ_SCOPE, DIRECTORY_READ_SCOPE]);
  const { meetApiRootUrl, peopleApiRootUrl } = config.meetAttendance;

  /** The JSON answer; null for a 404 when `missingIsNull`. */
  async function get<T>(api: GoogleApiName, url: URL, signal?: AbortSignal, missingIsNull = false): Promise<T> {
    for (let tried = 1; ; tried++) {
      try {
        const res = await client.request<T>({ url: url.toString(), method: 'GET', timeout: requestTimeoutMs, retry: false, signal });
        return res.data;
      } catch (err) {
        const f = meetFailure(err, api);
        if (missingIsNull && f.status === 404) return null as T;
        // A dead access token: dropped, so the next attempt asks the token endpoint again.
        if (f.status === 401) client.credentials = { refresh_token: client.credentials.refresh_token };
        const wait = Math.max(retryDelayMs * 2 ** (tried - 1), f.error.retryAfterMs ?? 0);
        const passing = f.error.retryable && f.status !== 401 && wait <= MAX_INLINE_WAIT_MS;
        if (!passing || tried >= REQUEST_TRIES || signal?.aborted) throw f.error;
        await pause(wait, signal);
      }
    }
  }

  /** Every item of a paginated Meet list, following nextPageToken. */
  async function listAll<T>(path: string, field: string, params: Record<string, string>, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const url = new URL(path, meetApiRootUrl);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      if (pageToken) url.searchParams.set('pageToken', pageToken);
      const data = await get<Record<string, unknown>>('Google Meet', url, signal);
      items.push(...((data[field] as T[] | undefined) ?? []));
      pageToken = typeof data.nextPageToken === 'string' && data.nextPageToken ? data.nextPageToken : undefined;
      if (!pageToken) return items;
    }
    return items;
  }

  return {
    /** Conference records of the meeting code that started inside [from, to]. */
    conferenceRecords(meetingCode: string, from: Date, to: Date, signal?: AbortSignal) {
      const filter = `space.meeting_code="${meetingCode}" AND start_time>="${from.toISOString()}" AND start_time<="${to.toISOString()}"`;
      return listAll<ConferenceRecord>('v2/conferenceRecords', 'conferenceRecords', { filter, pageSize: '100' }, signal);
    },
    participants(record: string, signal?: AbortSignal) {
      return listAll<MeetParticipant>(`v2/${record}/participants`, 'participants', { pageSize: '250' }, signal);
    },
    participantSessions(participant: string, signal?: AbortSignal) {
      return listAll<ParticipantSession>(`v2/${participant}/participantSessions`, 'participantSessions', { pageSize: '250' }, signal);
    },
    /**
     * The email addresses of a signed-in participant (`users/{id}`, which is also the person's People API id). Only
     * people of the same Workspace domain have a readable directory profile; anyone else answers 404 (null).
     */
    async emailsOf(user: string, signal?: AbortSignal): Promise<string[] | null> {
      const id = user.replace(/^users\//, '');
      const url = new URL(`v1/people/${encodeURIComponent(id)}`, peopleApiRootUrl);
      url.searchParams.set('personFields', 'emailAddresses');
      url.searchParams.set('sources', 'READ_SOURCE_TYPE_PROFILE');
      const person = await get<{ emailAddresses?: { value?: string }[] } | null>('Google People', url, signal, true);
      return person && (person.emailAddresses ?? []).flatMap((e) => (e.value ? [e.value] : []));
    },
  };
}

/** Waits `ms`, or less when `signal` fires (the caller then sees the abort on its next request). */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
