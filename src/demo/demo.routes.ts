import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tokenRole } from '../auth/actor.ts';
import { errorResponse } from '../http/common.schemas.ts';
import type { DemoService } from './demo.service.ts';
import { DEMO_USERS } from './demo.seed.ts';

const demoUser = z.object({ id: z.string(), name: z.string(), role: tokenRole });
const signInBody = z.strictObject({ userId: z.enum(DEMO_USERS.map((u) => u.id)) });
const tags = ['Demo'];

/** Demo mode only: list the demo users and mint a token for one. */
export function demoRoutes(demo: DemoService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/demo/users', {
      config: { public: true },
      schema: {
        tags,
        summary: 'Demo users (demo mode only)',
        security: [],
        response: { 200: z.object({ courseId: z.string(), users: z.array(demoUser) }) },
      },
      handler: async () => demo.users(),
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
      handler: async (req) => demo.signIn(req.body.userId, req.ip),
    });
  };
}
