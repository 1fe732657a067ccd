import rateLimit from '@fastify/rate-limit';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import {
  analytics,
  CommonErrorCodes,
  identity,
  machines,
  notification,
  nutrition,
  workout,
} from '@nxg/contracts';
import { AppError, defineFeature, defineService, type Kit } from '@nxg/platform';
import { GatewayConfigSchema, type GatewayConfig } from './config.ts';
import { docsPlugin } from './docs/docs-plugin.ts';
import { liveFeedPlugin } from './live/live-feed.ts';
import { clientKey, ipKey } from './routes/client-key.ts';
import { registerOperationRoutes } from './routes/operation-routes.ts';
import { parseTrustedProxies } from './trusted-proxies.ts';

/** Every operation the gateway exposes, from the contracts of the services that exist today. */
export const operations = [
  ...identity.all,
  ...machines.all,
  ...workout.all,
  ...analytics.all,
  ...notification.all,
  ...nutrition.all,
];

type GatewayDeps = Kit<GatewayConfig>;

/** OpenAPI at /openapi.json and /docs, generated from the routes the API feature registers. */
const docsFeature = defineFeature<GatewayDeps>({
  name: 'docs',
  async http(app) {
    await app.register(docsPlugin);
  },
});

/** The REST API (one route per operation, with validation, auth and rate limits) and the live feed. */
const apiFeature = defineFeature<GatewayDeps>({
  name: 'api',
  async http(app, { config, cache, nc }) {
    await app.register(async (api) => {
      api.setValidatorCompiler(TypeBoxValidatorCompiler);
      await api.register(rateLimit, {
        global: true,
        hook: 'preHandler',
        max: config.RATE_LIMIT_MAX,
        timeWindow: 60_000,
        keyGenerator: clientKey,
        nameSpace: `${config.REDIS_PREFIX}ratelimit:`,
        ...(cache.redis ? { redis: cache.redis } : {}),
        errorResponseBuilder: (_request, context) =>
          new AppError(429, CommonErrorCodes.RATE_LIMITED, `Too many requests; retry in ${context.after}`),
      });
      // Login, register and refresh share one stricter budget per client address.
      const authRateLimit = api.rateLimit({ max: config.AUTH_RATE_LIMIT_MAX, keyGenerator: ipKey });
      const { verifier, revocations } = api.auth;
      await api.register(liveFeedPlugin, {
        nc,
        verifier,
        revocations,
        socketsPerMember: config.LIVE_SOCKETS_PER_MEMBER,
      });
      registerOperationRoutes(api, {
        nc,
        verifier,
        revocations,
        operations,
        timeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
        bodyLimit: config.BODY_LIMIT_BYTES,
        authRateLimit,
        cache,
      });
    });
  },
});

/** The gateway: the REST API for the apps, its OpenAPI, and the members' live feed. */
export default defineService({
  name: 'gateway',
  config: GatewayConfigSchema,
  port: 'GATEWAY_PORT',
  auth: 'member',
  checkConfig: (config) => parseTrustedProxies(config.TRUST_PROXY).problems,
  http: (config) => ({
    corsOrigins: config.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Only the configured load balancers' X-Forwarded-For hop is believed (finding 2).
    trustProxy: parseTrustedProxies(config.TRUST_PROXY).proxies,
  }),
  context: (kit) => kit,
  features: [docsFeature, apiFeature],
});
