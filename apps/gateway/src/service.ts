import rateLimit from '@fastify/rate-limit';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { CommonErrorCodes, identity, machines, workout } from '@nxg/contracts';
import {
  AppError,
  authPlugin,
  busPlugin,
  cachePlugin,
  createHttpServer,
  healthPlugin,
  type HttpServerOptions,
} from '@nxg/platform';
import type { FastifyInstance } from 'fastify';
import type { GatewayConfig } from './config.ts';
import { docsPlugin } from './docs/docs-plugin.ts';
import { liveFeedPlugin } from './live/live-feed.ts';
import { clientKey, ipKey } from './routes/client-key.ts';
import { registerOperationRoutes } from './routes/operation-routes.ts';

/** Every operation the gateway exposes, from the contracts of the services that exist today. */
export const operations = [...identity.all, ...machines.all, ...workout.all];

/**
 * Assembles the gateway: NATS, cache and token verification, then docs, then the API scope (rate
 * limit, live feed, one route per operation). Only main.ts listens.
 */
export function buildService(config: GatewayConfig, logger: HttpServerOptions['logger']): FastifyInstance {
  const app = createHttpServer({
    logger,
    corsOrigins: config.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
  });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  void app.register(busPlugin, { url: config.NATS_URL, name: 'gateway' });
  void app.register(cachePlugin, { url: config.REDIS_URL, prefix: `${config.REDIS_PREFIX}gateway:` });
  void app.register(authPlugin, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  void app.register(healthPlugin);
  void app.register(docsPlugin);

  void app.register(async (api) => {
    await api.register(rateLimit, {
      global: true,
      hook: 'preHandler',
      max: config.RATE_LIMIT_MAX,
      timeWindow: 60_000,
      keyGenerator: clientKey,
      nameSpace: `${config.REDIS_PREFIX}ratelimit:`,
      ...(api.cache.redis ? { redis: api.cache.redis } : {}),
      errorResponseBuilder: (_request, context) =>
        new AppError(429, CommonErrorCodes.RATE_LIMITED, `Too many requests; retry in ${context.after}`),
    });
    // Login, register and refresh share one stricter budget per client address.
    const authRateLimit = api.rateLimit({ max: config.AUTH_RATE_LIMIT_MAX, keyGenerator: ipKey });
    const { verifier, revocations } = api.auth;
    await api.register(liveFeedPlugin, { nc: api.bus.nc, verifier, revocations });
    registerOperationRoutes(api, {
      nc: api.bus.nc,
      verifier,
      revocations,
      operations,
      timeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
      bodyLimit: config.BODY_LIMIT_BYTES,
      authRateLimit,
    });
  });
  return app;
}
