import { auditEntry } from '../audit/audit.service.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { signToken } from '../auth/tokens.ts';
import type { AuthConfig } from '../config.ts';
import type { Db } from '../db/kysely.ts';
import { DEMO_COURSE_ID, DEMO_USERS } from './demo.seed.ts';

const TOKEN_TTL_SECONDS = 8 * 3600;

export type DemoService = ReturnType<typeof createDemoService>;

/** Demo mode only (config refuses it in production and beside real JWT keys): its users and their tokens. */
export function createDemoService(db: Db, auth: Extract<AuthConfig, { kind: 'secret' }>) {
  return {
    users() {
      return { courseId: DEMO_COURSE_ID, users: DEMO_USERS.map((u) => ({ ...u })) };
    },

    /** Mints a token for a demo user; audited, since one of them is an admin. */
    async signIn(userId: (typeof DEMO_USERS)[number]['id'], ip: string) {
      // The route's schema only admits demo user ids, so the lookup always finds one.
      const user = DEMO_USERS.find((u) => u.id === userId);
      if (!user) throw new Error(`${userId} is not a demo user`);
      const token = await signToken(
        auth.secret,
        { sub: user.id, name: user.name, role: user.role },
        {
          ttlSeconds: TOKEN_TTL_SECONDS,
          issuer: auth.issuer,
          audience: auth.audience,
        },
      );
      const actor = { id: user.id, name: user.name, role: user.role, email: null, ip };
      await insertAuditEntry(db, auditEntry(actor, 'demo.sign_in', { type: 'user', id: user.id }, 'success'));
      return { token, user: { ...user }, expiresIn: TOKEN_TTL_SECONDS };
    },
  };
}
