import type { Actor } from '../auth/actor.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { handlePromiseError, type Log } from '../background.ts';
import type { CoursesService } from '../courses/courses.service.ts';
import type { Db } from '../db/kysely.ts';
import { AppError } from '../errors.ts';
import { requireCourseManager } from '../reports/settings.service.ts';
import { namespacedId } from './lti.ids.ts';
import { fetchMembership } from './lti.nrps.client.ts';
import { rosterFromMembership } from './lti.nrps.members.ts';
import { claimLaunchSync, findLtiCourse, knownLtiUsers, markRosterSynced, recordLtiUsers, releaseLaunchSync } from './lti.nrps.repo.ts';
import type { RosterSyncResult } from './lti.nrps.schemas.ts';
import type { FetchLike } from './lti.service-token.http.ts';
import { LtiServiceError } from './lti.service-token.http.ts';
import type { ServiceTokens } from './lti.service-token.ts';

/** A launch syncs the course's roster at most this often (a class start brings every student in within a minute). */
export const LAUNCH_SYNC_INTERVAL_MS = 5 * 60_000;

export interface RosterSyncDeps {
  db: Db;
  audit: AuditService;
  courses: Pick<CoursesService, 'replaceRoster'>;
  tokens: ServiceTokens;
  log: Log;
  fetch?: FetchLike;
  /** Overrides LAUNCH_SYNC_INTERVAL_MS (tests). */
  launchIntervalMs?: number;
}

export type RosterSync = ReturnType<typeof createRosterSync>;

/**
 * The course roster from the LMS (LTI Names and Role Provisioning Services 2.0): every page of the context's
 * membership, mapped through the roster rules (replaceRoster: members absent or inactive are removed, which closes
 * their attendance). On demand for the course's managers, and after a launch at most every few minutes.
 */
export function createRosterSync(deps: RosterSyncDeps) {
  const { db, log } = deps;
  // One sync per course at a time on this node: a second caller waits for the one under way and gets its result.
  const running = new Map<string, Promise<RosterSyncResult>>();
  // Launch-time syncs from their claim on, so settle() waits for one that has not reached `running` yet.
  const launches = new Set<Promise<void>>();

  async function sync(actor: Actor | null, courseId: string): Promise<RosterSyncResult> {
    const course = await findLtiCourse(db, courseId);
    if (!course?.nrps_url) {
      throw new AppError(
        'LTI_SERVICE_NOT_OFFERED',
        course
          ? 'The LMS did not offer Names and Role Provisioning for this course at its last launch'
          : 'This course was not launched from an LMS',
      );
    }
    const platform = { id: course.platform_id, client_id: course.client_id, token_url: course.token_url };
    const membership = await fetchMembership(deps.tokens, platform, course.nrps_url, { fetch: deps.fetch }).catch((err: unknown) => {
      if (!(err instanceof LtiServiceError)) throw err;
      // The LMS's answer goes to the log only: the message a mentor reads is ours.
      log.warn({ courseId, status: err.status, answer: err.detail, reason: err.message }, 'roster sync: the LMS failed');
      throw new AppError('LTI_PLATFORM_ERROR', `Roster sync failed: ${err.message}`);
    });
    const known = await knownLtiUsers(
      db,
      course.platform_id,
      membership.members.map((m) => m.user_id),
    );
    const roster = rosterFromMembership(membership.members, (sub) => known.get(sub) ?? namespacedId(course.slug, sub));
    // Someone launched this course, so a roster with nobody on it (no members listed, or none active with a place:
    // all inactive, or only system admins) is the LMS failing, not an empty course: applying it would remove everyone
    // and close their attendance.
    if (roster.length === 0) {
      log.warn({ courseId, listed: membership.members.length, skipped: membership.skipped }, 'roster sync: nobody usable; not applied');
      throw new AppError(
        'LTI_PLATFORM_ERROR',
        `Roster sync failed: the LMS listed no active student or mentor (${membership.members.length} members listed); the roster was left as it was`,
      );
    }
    const syncedAt = new Date();
    const counts = await deps.courses.replaceRoster(
      actor,
      courseId,
      roster.map(({ sub: _sub, ...member }) => member),
      async (trx) => {
        await recordLtiUsers(
          trx,
          course.platform_id,
          roster.map((m) => ({ sub: m.sub, userId: m.userId })),
        );
        await markRosterSynced(trx, course.platform_id, course.context_id, syncedAt);
      },
    );
    log.info({ courseId, pages: membership.pages, skipped: membership.skipped, ...counts }, 'roster synced from the LMS');
    return {
      courseId,
      syncedAt: syncedAt.toISOString(),
      pages: membership.pages,
      members: counts.members,
      added: counts.added,
      roleChanged: counts.roleChanged,
      removed: counts.removed,
      skipped: membership.skipped,
    };
  }

  function once(actor: Actor | null, courseId: string): Promise<RosterSyncResult> {
    let run = running.get(courseId);
    if (!run) {
      run = sync(actor, courseId).finally(() => running.delete(courseId));
      running.set(courseId, run);
    }
    return run;
  }

  return {
    /** POST /api/courses/:courseId/roster-sync: the course's mentors and admins sync now; the LMS's error is theirs to see. */
    async syncNow(actor: Actor, courseId: string): Promise<RosterSyncResult> {
      await requireCourseManager(db, deps.audit, actor, courseId, 'roster.sync');
      return once(actor, courseId);
    },

    /**
     * After a launch into a course (the lead wires this into the launch's after-commit place): syncs in the background
     * unless a sync ran or started within the interval, on any node. Never rejects; a failure is logged and gives the
     * claim back, so the next launch tries again.
     */
    syncRosterOnLaunch(courseId: string): void {
      if (running.has(courseId)) return;
      const check = async () => {
        // Claimed in the database, so a class start's launches over several nodes still make one sync.
        const claim = await claimLaunchSync(db, courseId, deps.launchIntervalMs ?? LAUNCH_SYNC_INTERVAL_MS);
        if (!claim) return;
        try {
          await once(null, courseId);
        } catch (err) {
          await releaseLaunchSync(db, courseId, claim);
          throw err;
        }
      };
      const launch = check().finally(() => launches.delete(launch));
      launches.add(launch);
      handlePromiseError(launch, log, 'roster sync after a launch failed', { courseId });
    },

    /** Waits for the syncs under way (tests, and the app's close). */
    async settle(): Promise<void> {
      await Promise.allSettled([...launches, ...running.values()]);
    },
  };
}
