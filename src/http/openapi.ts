import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { ERRORS } from '../errors.ts';

/** OpenAPI generated from the route schemas: the JSON at /docs/json, the browsable UI at /docs. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Skill Probe Live API',
        description:
          'Live classes for the Skill Probe LMS. Every /api route takes `Authorization: Bearer <JWT>` issued by the LMS ' +
          '(claims: sub, name, role = student | mentor | admin, optional email; exp required). Errors are ' +
          '`{ "error": { "code", "message", "details"? } }` with one of these codes:\n\n' +
          Object.entries(ERRORS)
            .map(([code, status]) => `- \`${code}\` (${status})`)
            .join('\n'),
        version,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
