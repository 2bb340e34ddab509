import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { signToken } from '../auth/tokens.ts';
import type { AuthConfig } from '../config.ts';
import { errorResponse } from '../http/common.schemas.ts';
import { DEMO_COURSE_ID, DEMO_USERS } from './demo.seed.ts';

const demoUser = z.object({ id: z.string(), name: z.string(), role: z.enum(['student', 'mentor', 'admin']) });
const signInBody = z.strictObject({ userId: z.enum(DEMO_USERS.map((u) => u.id)) });
const tags = ['Demo'];

/** Demo mode only (never in production): list the demo users and mint a token for one. */
export function demoRoutes(auth: Extract<AuthConfig, { kind: 'secret' }>): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/demo/users', {
      config: { public: true },
      schema: {
        tags,
        summary: 'Demo users (demo mode only)',
        security: [],
        response: { 200: z.object({ courseId: z.string(), users: z.array(demoUser) }) },
      },
      handler: async () => ({ courseId: DEMO_COURSE_ID, users: DEMO_USERS.map((u) => ({ ...u })) }),
    });

    app.post('/api/demo/sign-in', {
      config: { public: true },
      schema: {
        tags,
        summary: 'Mint a token for a demo user (demo mode only)',
        security: [],
        body: signInBody,
        response: { 200: z.object({ token: z.string(), user: demoUser, expiresIn: z.number() }), 400: errorResponse },
      },
      handler: async (req) => {
        // The schema only admits demo user ids, so the lookup always finds one.
        const user = DEMO_USERS.find((u) => u.id === req.body.userId)!;
        const expiresIn = 8 * 3600;
        const token = await signToken(auth.secret, { sub: user.id, name: user.name, role: user.role }, {
          ttlSeconds: expiresIn,
          issuer: auth.issuer,
          audience: auth.audience,
        });
        return { token, user: { ...user }, expiresIn };
      },
    });
  };
}
