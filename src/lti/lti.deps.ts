import type { AuditService } from '../audit/audit.service.ts';
import type { VerifyToken } from '../auth/tokens.ts';
import type { Log } from '../background.ts';
import type { Db } from '../db/kysely.ts';
import type { createIdTokenVerifier } from './lti.id-token.ts';

/** A launch that committed, for whatever runs after it. */
export interface LaunchedInCourse {
  platformId: string;
  userId: string;
  courseId: string;
  role: 'student' | 'mentor' | 'admin';
  messageType: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';
}

/** What the LTI tool needs from the app. */
export interface LtiDeps {
  db: Db;
  audit: AuditService;
  log: Log;
  publicUrl: string | undefined;
  /** The app's token verifier: the Deep Linking return form carries the mentor's token in its body. */
  verifyToken: VerifyToken;
  verifyIdToken: ReturnType<typeof createIdTokenVerifier>;
  /** After a launch's roster change committed: other nodes forget the member's cached role too. */
  onRosterChanged: (courseId: string, userIds: string[]) => void;
  /**
   * After a launch into a course committed. The roster sync from the LMS (NRPS) goes here; it must not throw
   * (run its work through handlePromiseError) since the user is signed in whatever it does.
   */
  onLaunched: (launch: LaunchedInCourse) => void;
  /** Dynamic Registration's calls to the platform (tests pass one that reaches their mock LMS). */
  fetch?: typeof fetch;
}
