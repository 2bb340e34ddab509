import type { ProviderName } from './meetings.config.ts';

/** What a provider needs to know about the class behind a link. */
export interface MeetingSpec {
  title: string;
  description: string | null;
  start: Date;
  end: Date;
  /** Email addresses to invite (Google only, when GOOGLE_INVITE_ROSTER is on). */
  attendees: string[];
}

export interface ProviderMeeting {
  url: string;
}

/**
 * One way of making meeting links. Local providers (Jitsi, pasted links) answer at once and never fail, so a session
 * gets their link when it is saved; remote ones (Google) are called by the meeting worker, with retries.
 */
export interface MeetingProvider {
  readonly name: ProviderName;
  readonly remote: boolean;
  /** Creates the meeting under `externalId`; calling it again with the same id must not make a second meeting. */
  create(externalId: string, spec: MeetingSpec, signal?: AbortSignal): Promise<ProviderMeeting>;
  /** Sends a changed title or time. */
  update(externalId: string, spec: MeetingSpec, signal?: AbortSignal): Promise<void>;
  /** Removes the meeting; one already gone counts as done. */
  cancel(externalId: string, signal?: AbortSignal): Promise<void>;
  /** The meeting as the provider has it now; null when it does not exist (or was deleted). */
  get(externalId: string, signal?: AbortSignal): Promise<ProviderMeeting | null>;
}

/**
 * A provider call that did not work. `retryable` failures (rate limits, 5xx, network) are tried again with backoff;
 * the others fail the link at once with `message` as the reason the mentor sees.
 */
export class MeetingProviderError extends Error {
  override name = 'MeetingProviderError';
  readonly retryable: boolean;
  /** The provider asked us to wait this long (Retry-After). */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, retryable: boolean, retryAfterMs?: number) {
    super(message);
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}
