import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { problemComponents } from './problem-responses.ts';

/** OpenAPI 3.1 generated from the routes (themselves generated from contracts), at /openapi.json and /docs. */
export const docsPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'NXG Connect API',
          version: '1.0.0',
          description:
            'REST API for the NXG Connect apps. Errors are application/problem+json with a stable `code`.',
        },
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
          schemas: problemComponents,
        },
      },
      hideUntagged: true,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } as object }, async () => app.swagger());
  },
  { name: 'docs' },
);
