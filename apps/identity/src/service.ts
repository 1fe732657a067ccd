import { fileURLToPath } from 'node:url';
import {
  busPlugin,
  cachePlugin,
  createHttpServer,
  databasePlugin,
  healthPlugin,
  operationsPlugin,
  outboxPlugin,
  type HttpServerOptions,
} from '@nxg/platform';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { accountBindings } from './accounts/account-handlers.ts';
import { LoginGuard } from './accounts/login-guard.ts';
import { ensurePlatformAdmin } from './accounts/platform-admin.ts';
import { branchBindings } from './branches/branch-handlers.ts';
import type { IdentityConfig } from './config.ts';
import { loadDataKey } from './crypto/data-key.ts';
import { FieldCipher } from './crypto/field-cipher.ts';
import type { IdentityDeps } from './deps.ts';
import { profileBindings } from './profile/profile-handlers.ts';
import { UserViewCache } from './profile/user-view-cache.ts';
import { RevocationList } from './tokens/revocations.ts';
import { SessionStore } from './tokens/session-store.ts';
import { SigningKeys } from './tokens/signing-keys.ts';
import { machineTokenBindings } from './tokens/machine-token-handlers.ts';
import { TokenIssuer } from './tokens/token-issuer.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));
const KEY_CHECK_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Assembles identity: infrastructure first (database, NATS, cache, outbox), then its features.
 * No I/O happens until the returned instance is readied; only main.ts listens.
 */
export function buildService(config: IdentityConfig, logger: HttpServerOptions['logger']): FastifyInstance {
  const app = createHttpServer({ logger });
  void app.register(databasePlugin, {
    service: 'identity',
    url: config.DATABASE_URL,
    name: config.DATABASE_NAME,
    dataDir: config.DATA_DIR,
    migrations: [{ scope: 'identity', dir: migrationsDir }],
  });
  void app.register(busPlugin, { url: config.NATS_URL, name: 'identity' });
  void app.register(cachePlugin, { url: config.REDIS_URL, prefix: `${config.REDIS_PREFIX}identity:` });
  void app.register(outboxPlugin, { paused: config.OUTBOX_RELAY_PAUSED });
  void app.register(healthPlugin);

  void app.register(async (feature) => {
    const log = feature.log as Logger;
    const cipher = new FieldCipher(await loadDataKey(config.IDENTITY_DATA_KEY, config.DATA_DIR, log));
    const keys = new SigningKeys(feature.db, cipher, config.JWT_ALGORITHM, config.SIGNING_KEY_ROTATION_DAYS);
    await keys.refresh();
    const rotation = setInterval(
      () => void keys.refresh().catch((err) => log.error({ err }, 'key rotation failed')),
      KEY_CHECK_INTERVAL_MS,
    );
    rotation.unref();
    feature.addHook('onClose', async () => clearInterval(rotation));
    if (config.PLATFORM_ADMIN_EMAIL && config.PLATFORM_ADMIN_PASSWORD) {
      await ensurePlatformAdmin(feature.db, config.PLATFORM_ADMIN_EMAIL, config.PLATFORM_ADMIN_PASSWORD, log);
    }
    const deps: IdentityDeps = {
      db: feature.db,
      cache: feature.cache,
      outbox: feature.outbox,
      cipher,
      keys,
      issuer: new TokenIssuer(keys, {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        ttlS: config.ACCESS_TOKEN_TTL_S,
      }),
      sessions: new SessionStore(feature.db, config.REFRESH_TOKEN_TTL_S),
      revocations: new RevocationList(feature.bus.nc),
      guard: new LoginGuard(feature.cache, {
        perAccount: config.LOGIN_MAX_FAILURES,
        perIp: config.LOGIN_MAX_FAILURES_PER_IP,
        cooldownS: config.LOGIN_COOLDOWN_S,
      }),
      logger: log,
      users: new UserViewCache(feature.bus.nc),
    };
    deps.users.start();
    feature.addHook('onClose', async () => deps.users.stop());
    await feature.register(operationsPlugin, {
      bindings: [
        ...accountBindings(deps),
        ...profileBindings(deps),
        ...branchBindings(deps),
        ...machineTokenBindings(deps),
      ],
    });
  });
  return app;
}
