import type { FastifyInstance } from 'fastify';
import { handlePromiseError } from '../background.ts';
import { createLtiAdminService } from './lti.admin.service.ts';
import { ltiApiRoutes } from './lti.api.routes.ts';
import { createDeepLinking } from './lti.deep-linking.ts';
import type { LaunchedInCourse, LtiDeps } from './lti.deps.ts';
import { createIdTokenVerifier } from './lti.id-token.ts';
import { sweepExpired } from './lti.repo.ts';
import { ltiRoutes } from './lti.routes.ts';

/** What a test or the server may change in the LTI tool. */
export interface LtiOptions {
  /** After a launch into a course committed (the roster sync from the LMS goes here). */
  onLaunched?: (launch: LaunchedInCourse) => void;
  /** How soon an unknown kid may make us refetch a platform's JWKS (default 30 s). */
  jwksCooldownMs?: number;
  fetch?: typeof fetch;
  /** How often expired login states, nonces and requests are swept (default 10 min). */
  sweepIntervalMs?: number;
}

/**
 * The LTI 1.3 tool: its routes, and the sweep of what expires (login states, used nonces, Deep Linking requests,
 * registration links). `stop()` ends the sweep; the app's close path calls it.
 */
export function createLti(
  base: Pick<LtiDeps, 'db' | 'audit' | 'log' | 'publicUrl' | 'verifyToken' | 'onRosterChanged'>,
  opts: LtiOptions = {},
) {
  const deps: LtiDeps = {
    ...base,
    verifyIdToken: createIdTokenVerifier({ cooldownMs: opts.jwksCooldownMs }),
    onLaunched: opts.onLaunched ?? (() => {}),
    fetch: opts.fetch,
  };
  const admin = createLtiAdminService(deps);
  const deepLinking = createDeepLinking(deps);
  const sweep = () =>
    handlePromiseError(
      sweepExpired(base.db).then((n) => n > 0 && base.log.debug({ swept: n }, 'expired LTI states swept')),
      base.log,
      'sweeping expired LTI states failed (the next sweep retries)',
    );
  const timer = setInterval(sweep, opts.sweepIntervalMs ?? 10 * 60_000);
  timer.unref();
  return {
    deps,
    async register(app: FastifyInstance) {
      await app.register(ltiRoutes(deps, deepLinking));
      await app.register(ltiApiRoutes(admin, deepLinking, base.publicUrl));
    },
    stop: () => clearInterval(timer),
  };
}

export type Lti = ReturnType<typeof createLti>;
