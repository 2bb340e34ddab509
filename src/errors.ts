/**
 * Every error the API returns, declared once with its stable code and HTTP status. Services throw these; the HTTP
 * error handler and socket acks turn them into `{ error: { code, message, details? } }`.
 */
export const ERRORS = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  INVALID_CURSOR: 400,
  /** A course report over more completed classes than one request may read; narrow `from`/`to`. */
  REPORT_TOO_LARGE: 400,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  MEMBER_NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  QUESTION_NOT_FOUND: 404,
  POLL_NOT_FOUND: 404,
  /** A course group set that does not exist, or belongs to another course. */
  GROUP_SET_NOT_FOUND: 404,
  /** A breakout round that is not one of this class's. */
  BREAKOUT_NOT_FOUND: 404,
  /** A room that is not one of this breakout round's. */
  BREAKOUT_ROOM_NOT_FOUND: 404,
  /** A recurring series that does not exist, or a class that is not one of its classes (issue 16). */
  SERIES_NOT_FOUND: 404,
  /** A calendar feed that is not the caller's, was revoked, or never existed (issue 16). */
  CALENDAR_FEED_NOT_FOUND: 404,
  /** Socket only: a client event the server does not know (a misspelt name, an old client). */
  UNKNOWN_EVENT: 404,
  INVALID_TRANSITION: 409,
  SESSION_CANCELLED: 409,
  SESSION_COMPLETED: 409,
  SESSION_NOT_LIVE: 409,
  CHAT_DISABLED: 409,
  QA_DISABLED: 409,
  POLLS_DISABLED: 409,
  ANONYMOUS_QUESTIONS_DISABLED: 409,
  POLL_CLOSED: 409,
  /** A vote on a timed poll after its time ran out (it closes itself at that instant). */
  POLL_TIME_UP: 409,
  /** Launching or deleting a poll that is not a draft (it was launched already). */
  POLL_NOT_DRAFT: 409,
  QUESTION_CLOSED: 409,
  /** Waiting for review (reviewQuestions): approve or reject it first. */
  QUESTION_PENDING: 409,
  /** Approve and reject take only a question that is waiting for review. */
  QUESTION_NOT_PENDING: 409,
  /** Nobody may upvote their own question. */
  OWN_QUESTION: 403,
  /** A chat message or question holds one of the course's blocked words. */
  BLOCKED_WORDS: 422,
  /** A group set lists someone who is not a student on the course roster (unknown, removed, or a mentor). */
  NOT_ON_ROSTER: 400,
  MEETING_NOT_RETRYABLE: 409,
  /** A class has one breakout round at a time: close the open one first. */
  BREAKOUT_ALREADY_OPEN: 409,
  /** The breakout round is closed: nothing in it changes any more. */
  BREAKOUT_CLOSED: 409,
  /** Self-select: the room has as many students as the round's capacity. */
  BREAKOUT_ROOM_FULL: 409,
  /** Choosing a room works only in a self-select round. */
  BREAKOUT_NOT_SELF_SELECT: 409,
  /** A breakout room opens and closes with its round: no round inside it, no start, end, edit or cancel of its own. */
  BREAKOUT_IN_ROOM: 409,
  /** Meeting attendance can be read only for an ended class held on Google Meet, with the feature on. */
  MEETING_SYNC_UNAVAILABLE: 409,
  /** The asked range of a session's event log was dropped by retention (EVENT_RETENTION_DAYS). */
  EVENTS_EXPIRED: 410,
  // Issue 16, part 2 (webhooks)
  /** A webhook endpoint that does not exist (or was deleted). */
  WEBHOOK_NOT_FOUND: 404,
  /** A delivery that is not one of this webhook endpoint's. */
  WEBHOOK_DELIVERY_NOT_FOUND: 404,
  /** A webhook URL that is not http(s), carries credentials, or points at a private, loopback or link-local address. */
  WEBHOOK_URL_REFUSED: 422,
  /** A redelivery to a disabled webhook endpoint: re-enable it first. */
  WEBHOOK_DISABLED: 409,
  // LTI 1.3 (issue 16): see docs/lti.md.
  /** No LTI platform with this id (or issuer and client id) is registered. */
  LTI_PLATFORM_NOT_FOUND: 404,
  /** A platform with this issuer and client id is registered already: delete it first, or use it. */
  LTI_PLATFORM_EXISTS: 409,
  /** No published signing key with this kid, or it is the signing key (rotate first). */
  LTI_KEY_NOT_FOUND: 404,
  /** An LTI login or launch failed one of the spec's checks; the message says which (the audit log keeps it too). */
  LTI_LAUNCH_REFUSED: 401,
  /** The platform's keys (JWKS) or registration endpoint could not be reached, or answered with something unusable. */
  LTI_PLATFORM_UNREACHABLE: 502,
  /** A Deep Linking request that is unknown, not the caller's, expired or answered already. */
  LTI_DEEP_LINK_NOT_FOUND: 404,
  /** A Dynamic Registration link that is unknown, expired or used, or a registration the platform refused. */
  LTI_REGISTRATION_INVALID: 400,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  HEADERS_TOO_LARGE: 431,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  /** REST: the database (or another dependency) is unavailable; retry after `Retry-After` seconds. */
  SERVICE_UNAVAILABLE: 503,
  /** Socket acks and the handshake: the same, with `retryable: true`. */
  UNAVAILABLE: 503,
  // LTI Advantage services (issue 16: roster sync and grades).
  /** The course did not come from an LMS launch, or the LMS did not offer the service (NRPS, AGS) for it. */
  LTI_SERVICE_NOT_OFFERED: 409,
  /** Only a class whose grade publication failed can be sent again. */
  LTI_GRADES_NOT_FAILED: 409,
  /** The LMS refused or failed a service call (its answer is in the message); nothing was changed here. */
  LTI_PLATFORM_ERROR: 502,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `body.settings.chatEnabled`. */
  field: string;
  message: string;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: ErrorDetail[];

  constructor(code: ErrorCode, message: string, details?: ErrorDetail[]) {
    super(message);
    this.code = code;
    this.status = ERRORS[code];
    this.details = details;
  }
}

/** The error body every HTTP reply and socket ack uses. */
export function errorBody(err: AppError): { error: { code: ErrorCode; message: string; details?: ErrorDetail[] } } {
  return { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
}
