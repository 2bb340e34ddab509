import type { JWK } from 'jose';
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** timestamptz: read as Date, written as Date or an ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** bigint: pg returns it as a string, PGlite as a number; mappers call Number(). */
type BigIntColumn = ColumnType<string | number, number | undefined, number>;
type Json<T> = ColumnType<T, string, string>;

export type TokenRole = 'student' | 'mentor' | 'admin';
export type RosterRole = 'student' | 'mentor';
export type SessionStatus = 'scheduled' | 'live' | 'completed' | 'cancelled';
export type MeetingStatus = 'pending' | 'ready' | 'failed';
export type MeetingProvider = 'google' | 'jitsi' | 'manual';

export interface UsersTable {
  id: string;
  name: string;
  email: string | null;
  role: TokenRole | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CourseMembersTable {
  course_id: string;
  user_id: string;
  role: RosterRole;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface LiveSessionsTable {
  id: Generated<string>;
  course_id: string;
  title: string;
  description: string | null;
  mentor_id: string;
  scheduled_start: Timestamp;
  duration_minutes: number;
  status: SessionStatus;
  actual_start: Timestamp | null;
  actual_end: Timestamp | null;
  meeting_provider: MeetingProvider;
  meeting_url: string | null;
  meeting_status: MeetingStatus;
  meeting_error: string | null;
  /** The provider's id for the link (a Google Calendar event id), chosen before the provider is called. */
  meeting_external_id: Generated<string | null>;
  chat_enabled: Generated<boolean>;
  qa_enabled: Generated<boolean>;
  polls_enabled: Generated<boolean>;
  anonymous_questions: Generated<boolean>;
  /** New questions wait for a mentor's approval (migration 0010). */
  review_questions: Generated<boolean>;
  last_seq: BigIntColumn;
  /** Events with a seq up to this were dropped by retention (0: the log is whole); see migration 0005. */
  events_expired_through_seq: Generated<string | number>;
  /** When retention last finished dropping this session's expired events. */
  events_compacted_at: Generated<Date | null>;
  /** This class's attendance rules over its course's (a partial AttendanceRules; see migration 0006). */
  meeting_sync_status: Generated<'none' | 'pending' | 'done' | 'failed'>;
  meeting_synced_at: Timestamp | null;
  meeting_sync_error: string | null;
  /** The class's short code for `/j/:code` (migration 0013), drawn by the database. */
  join_code: Generated<string>;
  attendance_overrides: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** The hand queue changed and its hand:queue is not in the log yet (migration 0011). */
  hands_broadcast_pending: Generated<boolean>;
  /** The mentor's pinned announcement (1–500 characters), or null; and when it was set. */
  announcement: Generated<string | null>;
  announcement_at: Generated<Date | null>;
  /** A breakout room's class (migration 0016); null for a class. */
  parent_session_id: Generated<string | null>;
  /** The series this class was scheduled in, and its place there from 0 (migration 0019); null for a lone class. */
  series_id: Generated<string | null>;
  series_position: Generated<number | null>;
  /** The class's iCalendar SEQUENCE: raised by each change of the row (migration 0019). */
  calendar_sequence: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A raised hand: one per person and class, ordered by `raised_at` (migration 0011). */
export interface SessionHandsTable {
  session_id: string;
  user_id: string;
  raised_at: Timestamp;
}

/** Reactions per class, minute and kind: counts only, never who sent them (migration 0011). */
export interface SessionReactionCountsTable {
  session_id: string;
  minute: Timestamp;
  reaction: string;
  count: number;
}

export interface SessionAttendanceTable {
  id: Generated<string>;
  session_id: string;
  user_id: string;
  joined_at: Timestamp;
  left_at: Timestamp | null;
  /** Where the segment was opened: a REST join, or a socket in the session room (closed by presence). */
  via: Generated<'rest' | 'socket'>;
}

export interface SessionChatTable {
  id: Generated<string>;
  session_id: string;
  user_id: string;
  type: 'text' | 'question' | 'answer';
  body: string;
  deleted_at: Timestamp | null;
  deleted_by: string | null;
  created_at: CreatedAt;
}

export interface SessionQaTable {
  id: Generated<string>;
  session_id: string;
  /** The named author; null for anonymous questions. */
  user_id: string | null;
  /** Who asked, anonymous or not (migration 0010): never presented except to the asker, as `askedByMe`. */
  asked_by: string | null;
  question: string;
  anonymous: boolean;
  /** `pending` waits for review (reviewQuestions); `rejected` was refused in review. */
  status: QuestionStatus;
  /** The question a mentor is answering now: at most one per session. */
  answering: Generated<boolean>;
  answer: string | null;
  answered_by: string | null;
  answered_at: Timestamp | null;
  upvotes: Generated<number>;
  /** An upvote count changed and its qa:updated has not been appended yet. */
  broadcast_pending: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type QuestionStatus = 'pending' | 'open' | 'answered' | 'dismissed' | 'rejected';

export interface QaUpvotesTable {
  qa_id: string;
  user_id: string;
  created_at: CreatedAt;
}

export interface SessionPollsTable {
  id: Generated<string>;
  session_id: string;
  created_by: string;
  question: string;
  type: 'single' | 'multiple' | 'rating' | 'text' | 'wordcloud';
  options: Json<string[]>;
  correct_option: number | null;
  results_visibility: 'live' | 'afterClose';
  anonymous: boolean;
  /** `draft`: prepared before class, seen by managers only, until launched (migration 0009). */
  status: 'draft' | 'open' | 'closed';
  /** Votes changed the tally and its poll:results has not been appended yet. */
  broadcast_pending: Generated<boolean>;
  created_at: CreatedAt;
  closed_at: Timestamp | null;
  /** The poll's timer (10–3600 s), counted from opened_at; null when it closes by hand only. */
  duration_seconds: number | null;
  /** When it opened (launch of a draft, or creation); null while a draft. */
  opened_at: Timestamp | null;
  /** opened_at + duration_seconds: the server closes it then, and refuses later votes. */
  closes_at: Timestamp | null;
}

/** A student's opt-in to a session's quiz leaderboard: under their name, or a nickname (migration 0009). */
export interface QuizPlayersTable {
  session_id: string;
  user_id: string;
  nickname: string | null;
  updated_at: Generated<Timestamp>;
}

/** Whether a session's quiz leaderboard is shown to the class, and whether its refresh is owed to the room. */
export interface QuizLeaderboardsTable {
  session_id: string;
  shown: Generated<boolean>;
  broadcast_pending: Generated<boolean>;
  updated_at: Generated<Timestamp>;
}

export interface PollResponsesTable {
  poll_id: string;
  user_id: string;
  choice: Json<unknown>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AuditLogTable {
  /** bigint identity; pg returns it as a string, so mappers call Number(). */
  id: Generated<number>;
  at: CreatedAt;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  course_id: string | null;
  session_id: string | null;
  outcome: 'success' | 'denied';
  ip: string | null;
  details: Json<Record<string, unknown>> | null;
}

export interface SessionEventsTable {
  session_id: string;
  seq: BigIntColumn;
  event: string;
  payload: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

export interface Database {
  users: UsersTable;
  course_members: CourseMembersTable;
  live_sessions: LiveSessionsTable;
  session_attendance: SessionAttendanceTable;
  session_chat: SessionChatTable;
  session_qa: SessionQaTable;
  qa_upvotes: QaUpvotesTable;
  session_polls: SessionPollsTable;
  poll_responses: PollResponsesTable;
  quiz_players: QuizPlayersTable;
  quiz_leaderboards: QuizLeaderboardsTable;
  audit_log: AuditLogTable;
  session_events: SessionEventsTable;
  meeting_jobs: MeetingJobsTable;
  course_settings: CourseSettingsTable;
  course_moderation: CourseModerationTable;
  course_group_sets: CourseGroupSetsTable;
  meeting_opens: MeetingOpensTable;
  meeting_participant_segments: MeetingParticipantSegmentsTable;
  session_hands: SessionHandsTable;
  session_reaction_counts: SessionReactionCountsTable;
  breakout_rounds: BreakoutRoundsTable;
  breakout_rooms: BreakoutRoomsTable;
  breakout_members: BreakoutMembersTable;
  session_series: SessionSeriesTable;
  calendar_feeds: CalendarFeedsTable;
  // Issue 16, part 2 (webhooks)
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  lti_platforms: LtiPlatformsTable;
  lti_keys: LtiKeysTable;
  lti_login_states: LtiLoginStatesTable;
  lti_nonces: LtiNoncesTable;
  lti_contexts: LtiContextsTable;
  lti_users: LtiUsersTable;
  lti_deep_link_requests: LtiDeepLinkRequestsTable;
  lti_registration_links: LtiRegistrationLinksTable;
  lti_grade_settings: LtiGradeSettingsTable;
  lti_grade_publications: LtiGradePublicationsTable;
}

/** A recurring class as scheduled (migration 0019): its classes are live sessions with its series_id. */
export interface SessionSeriesTable {
  id: Generated<string>;
  course_id: string;
  /** The RRULE line, as given. */
  rrule: string;
  /** The IANA zone whose wall-clock time the classes keep. */
  timezone: string;
  /** The first class's local start, `YYYY-MM-DDTHH:mm` in `timezone`. */
  first_start: string;
  created_by: string;
  created_at: CreatedAt;
}
export type SessionSeriesRow = Selectable<SessionSeriesTable>;

/** A user's secret iCalendar feed (migration 0019); only the SHA-256 of its secret is kept. */
export interface CalendarFeedsTable {
  id: Generated<string>;
  user_id: string;
  /** One course's classes, or null: every class of every course the user is on. */
  course_id: string | null;
  secret_hash: string;
  created_at: CreatedAt;
}
export type CalendarFeedRow = Selectable<CalendarFeedsTable>;

export type BreakoutAssignment = 'random' | 'manual' | 'self-select' | 'groups';
export type BreakoutRoundStatus = 'open' | 'closing' | 'closed';

/** A breakout round in a class (migration 0016): at most one not closed per class. */
export interface BreakoutRoundsTable {
  id: Generated<string>;
  /** The class (the parent live session). */
  session_id: string;
  assignment: BreakoutAssignment;
  group_set_id: string | null;
  capacity: number | null;
  status: Generated<BreakoutRoundStatus>;
  duration_minutes: number;
  /** How long before closing the rooms hear `breakout:closing`. */
  warning_seconds: Generated<number>;
  opened_by: string;
  opened_at: Generated<Date>;
  /** When the timer closes the round (moved by extend/shorten). */
  ends_at: Timestamp;
  /** When the closing warning went out (status became 'closing'). */
  closing_at: Timestamp | null;
  closed_at: Timestamp | null;
  closed_by: string | null;
  broadcast: string | null;
  broadcast_at: Timestamp | null;
  broadcast_by: string | null;
  /** A `breakout:updated` is owed to the class (migration 0021): set by coalesced changes, cleared by the broadcast. */
  broadcast_pending: Generated<boolean>;
}

/** A room of a breakout round, backed by its own child live session (migration 0016). */
export interface BreakoutRoomsTable {
  id: Generated<string>;
  round_id: string;
  /** The room's place in the round, from 0 (the `roomIndex` of assignments). */
  position: number;
  name: string;
  /** The child live session (parent_session_id = the class). */
  session_id: string;
  help_requested_at: Timestamp | null;
  help_requested_by: string | null;
}

/** Who is in which room of a round (migration 0016): one room per person and round. */
export interface BreakoutMembersTable {
  round_id: string;
  user_id: string;
  room_id: string;
  assigned_at: Generated<Date>;
}

/** A course's settings; the row exists once a manager saved them (see migration 0006). */
export interface CourseSettingsTable {
  course_id: string;
  /** A partial AttendanceRules: missing fields take their defaults. */
  attendance: Json<Record<string, unknown>>;
  updated_by: string | null;
  updated_at: Timestamp;
}

/** A course's moderation settings (migration 0010); the row exists once a manager saved them. */
export interface CourseModerationTable {
  course_id: string;
  /** Words and short phrases refused in chat messages and questions, as saved (normalized, deduplicated). */
  blocked_words: Json<string[]>;
  updated_by: string | null;
  updated_at: Timestamp;
}

/** One group of a course group set, as stored in `course_group_sets.groups`. */
export interface StoredGroup {
  name: string;
  /** LMS user ids of roster students, as saved (a student removed since is filtered out on read). */
  memberIds: string[];
}

/** A course's named set of named student groups (migration 0015); a PUT replaces the course's whole list. */
export interface CourseGroupSetsTable {
  id: string;
  course_id: string;
  name: string;
  /** The set's place in the list as last saved, from 0. */
  position: number;
  groups: Json<StoredGroup[]>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** Who opened a class's meeting link (POST …/join, meeting:open), first and last time. */
export interface MeetingOpensTable {
  session_id: string;
  user_id: string;
  first_opened_at: Timestamp;
  last_opened_at: Timestamp;
  opens: Generated<number>;
}

/** Who was in the video meeting itself, as the provider reported it after the class (Google Meet). */
export interface MeetingParticipantSegmentsTable {
  id: Generated<string>;
  session_id: string;
  /** The roster member matched by email; null when nobody matched (anonymous, or not on the roster). */
  user_id: string | null;
  /** The provider's participant id (Meet: conferenceRecords/…/participants/…). */
  participant: string;
  display_name: string | null;
  email: string | null;
  joined_at: Timestamp;
  left_at: Timestamp | null;
}

/** `sync`: read the Google Meet's attendance after the class (migration 0008). */
export type MeetingJobOperation = 'create' | 'update' | 'delete' | 'sync';

/** What is still owed to a remote meeting provider (see migration 0004). */
export interface MeetingJobsTable {
  id: Generated<string>;
  session_id: string;
  operation: MeetingJobOperation;
  provider: MeetingProvider;
  external_id: string;
  version: Generated<number>;
  attempts: Generated<number>;
  run_at: Generated<Date>;
  claimed_until: Date | null;
  /** Whose claim it is: set by each claim, checked by lease renewals and by a sync's outcome (migration 0014). */
  claim_token: string | null;
  last_error: string | null;
  created_at: CreatedAt;
}
export type MeetingJobRow = Selectable<MeetingJobsTable>;

export type LiveSessionRow = Selectable<LiveSessionsTable>;
export type NewLiveSession = Insertable<LiveSessionsTable>;
export type AttendanceRow = Selectable<SessionAttendanceTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type GroupSetRow = Selectable<CourseGroupSetsTable>;

// Issue 16, part 2 (webhooks): see migration 0018.
/** A receiver an admin registered; `event_types` is a JSON array of webhook event type names. */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: Generated<string>;
  event_types: string[];
  enabled: Generated<boolean>;
  /** `whsec_…`, the Standard Webhooks signing secret. */
  secret: string;
  /** When the current run of failed attempts began; null after a success. */
  failing_since: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}
/** The outbox: one row per event, its id the stable `webhook-id`, its payload the exact body sent. */
export interface WebhookEventsTable {
  id: string;
  type: string;
  payload: unknown;
  created_at: CreatedAt;
}
export type WebhookDeliveryState = 'pending' | 'delivered';
/** One event owed to (or delivered to) one endpoint: the delivery log. */
export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  state: Generated<WebhookDeliveryState>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  claimed_until: Date | null;
  claim_token: string | null;
  last_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: CreatedAt;
}
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
// LTI 1.3 (migration 0017).

/** An LMS registered as an LTI platform. */
export interface LtiPlatformsTable {
  id: Generated<string>;
  /** Eight [a-z0-9] characters derived from (issuer, client_id): the namespace of its course and user ids here. */
  slug: string;
  name: string;
  issuer: string;
  client_id: string;
  /** The deployment ids launches may carry; a launch from any other deployment is refused. */
  deployment_ids: Json<string[]>;
  auth_login_url: string;
  token_url: string;
  jwks_url: string;
  registered_via: Generated<'manual' | 'dynamic'>;
  /** The admin who registered it (null for Dynamic Registration through a link: see lti_registration_links). */
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
export type LtiPlatformRow = Selectable<LtiPlatformsTable>;

/** One of the tool's own RS256 signing keys, as JWKs. */
export interface LtiKeysTable {
  kid: string;
  alg: Generated<'RS256'>;
  private_jwk: Json<JWK>;
  public_jwk: Json<JWK>;
  created_at: CreatedAt;
  /** When a newer key took over signing; null for the one signing key. */
  superseded_at: Timestamp | null;
  /** When it stops being published and accepted (may be in the future); null while it is. */
  retired_at: Timestamp | null;
}
export type LtiKeyRow = Selectable<LtiKeysTable>;

/** An OIDC login initiation waiting for its launch. */
export interface LtiLoginStatesTable {
  state: string;
  platform_id: string;
  nonce: string;
  /** Where the browser keeps the secret that binds this state to it. */
  binding: 'cookie' | 'platform-storage';
  /** SHA-256 (base64url) of that secret. */
  binding_hash: string;
  /** The platform's `lti_storage_target` frame, when it offered postMessage storage. */
  storage_target: string | null;
  target_link_uri: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

/** An id_token nonce already used, kept until the token it came in has expired. */
export interface LtiNoncesTable {
  platform_id: string;
  nonce: string;
  expires_at: Timestamp;
}

/** An LMS context and the course it is here; refreshed from the claims of every launch. */
export interface LtiContextsTable {
  platform_id: string;
  context_id: string;
  course_id: string;
  title: string | null;
  deployment_id: string;
  /** The NRPS claim's context_memberships_url. */
  nrps_url: string | null;
  ags_lineitems_url: string | null;
  ags_lineitem_url: string | null;
  ags_scopes: ColumnType<string[], string | undefined, string>;
  roster_synced_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
export type LtiContextRow = Selectable<LtiContextsTable>;

/** An LMS user (the id_token's `sub`) and their user id here. */
export interface LtiUsersTable {
  platform_id: string;
  sub: string;
  user_id: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A Deep Linking request: the LMS's content picker, waiting for a mentor's choice. */
export interface LtiDeepLinkRequestsTable {
  id: Generated<string>;
  platform_id: string;
  deployment_id: string;
  course_id: string;
  user_id: string;
  /** Where the signed LtiDeepLinkingResponse is posted. */
  return_url: string;
  /** The request's opaque `data`, returned as it came. */
  data: string | null;
  accept_multiple: Generated<boolean>;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** A one-time Dynamic Registration link an admin created (only its hash is stored). */
export interface LtiRegistrationLinksTable {
  token_hash: string;
  created_by: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  platform_id: string | null;
}

// LTI grades (migration 0020).

/** What a course publishes to its LMS gradebook after each class (no row: nothing). */
export interface LtiGradeSettingsTable {
  course_id: string;
  attendance: LtiAttendanceGrade;
  quizzes: boolean;
  updated_by: string | null;
  updated_at: Timestamp;
}
export type LtiAttendanceGrade = 'off' | 'percent' | 'status';

/** One class's grades of one kind, owed to or sent to the LMS. */
export interface LtiGradePublicationsTable {
  id: Generated<string>;
  session_id: string;
  course_id: string;
  kind: 'attendance' | 'quiz';
  /** The setting at class end: attendance as `percent` or `status`; quizzes as `score`. */
  mode: 'percent' | 'status' | 'score';
  status: ColumnType<LtiPublicationStatus, LtiPublicationStatus | undefined, LtiPublicationStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  run_at: ColumnType<Date, Date | string | undefined, Date | string>;
  claimed_until: Timestamp | null;
  claim_token: string | null;
  last_error: string | null;
  line_item_url: string | null;
  scores_sent: number | null;
  /** Once sent: scores the LMS refused for that student alone (migration 0022). */
  scores_refused: ColumnType<number | null, number | null | undefined, number | null>;
  sent_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
export type LtiPublicationStatus = 'pending' | 'sent' | 'failed';
export type LtiGradePublicationRow = Selectable<LtiGradePublicationsTable>;
