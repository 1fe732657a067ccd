import { fileURLToPath } from 'node:url';
import { defineFeature, defineService, loadDataKeyring, SealedValues } from '@nxg/platform';
import { accountsFeature } from './accounts/accounts-feature.ts';
import { LoginGuard } from './accounts/login-guard.ts';
import { ensurePlatformAdmin } from './accounts/platform-admin.ts';
import { branchesFeature } from './branches/branches-feature.ts';
import { identityConfigProblems, IdentityConfigSchema } from './config.ts';
import { resealJob } from './crypto/reseal-job.ts';
import { SealPurposes } from './crypto/sealed-columns.ts';
import type { IdentityDeps } from './deps.ts';
import { profileFeature } from './profile/profile-feature.ts';
import { UserViewCache } from './profile/user-view-cache.ts';
import { RevocationList } from './tokens/revocations.ts';
import { SessionStore } from './tokens/session-store.ts';
import { SigningKeys } from './tokens/signing-keys.ts';
import { TokenIssuer } from './tokens/token-issuer.ts';
import { tokensFeature } from './tokens/tokens-feature.ts';

/** Identity: accounts, tokens and the JWKS, profiles and sealed health data, branches and roles. */
export default defineService({
  name: 'identity',
  config: IdentityConfigSchema,
  checkConfig: identityConfigProblems,
  port: 'IDENTITY_PORT',
  migrations: fileURLToPath(new URL('../migrations', import.meta.url)),
  async context({ config, db, nc, cache, outbox, logger, onStop }): Promise<IdentityDeps> {
    const keyring = await loadDataKeyring({
      service: 'identity',
      variable: 'IDENTITY_DATA_KEY',
      current: config.IDENTITY_DATA_KEY,
      decryptOnly: config.IDENTITY_DATA_KEYS_DECRYPT_ONLY,
      dataDir: config.DATA_DIR,
      logger,
    });
    const keys = new SigningKeys(db, keyring, {
      alg: config.JWT_ALGORITHM,
      rotationDays: config.SIGNING_KEY_ROTATION_DAYS,
      prepublishS: config.SIGNING_KEY_PREPUBLISH_S,
      // A minute beyond the longest-lived token, for clocks that disagree.
      retainS: Math.max(config.ACCESS_TOKEN_TTL_S, config.MACHINE_TOKEN_TTL_S) + 60,
    });
    await keys.refresh();
    if (config.PLATFORM_ADMIN_EMAIL && config.PLATFORM_ADMIN_PASSWORD) {
      await ensurePlatformAdmin(db, config.PLATFORM_ADMIN_EMAIL, config.PLATFORM_ADMIN_PASSWORD, logger);
    }
    const users = new UserViewCache(nc);
    users.start();
    onStop(() => users.stop());
    return {
      config,
      db,
      cache,
      outbox,
      cipher: new SealedValues(keyring, SealPurposes.fields),
      keyring,
      keys,
      issuer: new TokenIssuer(keys, {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        ttlS: config.ACCESS_TOKEN_TTL_S,
        machineTtlS: config.MACHINE_TOKEN_TTL_S,
      }),
      sessions: new SessionStore(db, config.REFRESH_TOKEN_TTL_S),
      revocations: new RevocationList(nc),
      guard: new LoginGuard(cache, {
        perAccount: config.LOGIN_MAX_FAILURES,
        perIp: config.LOGIN_MAX_FAILURES_PER_IP,
        cooldownS: config.LOGIN_COOLDOWN_S,
      }),
      logger,
      users,
    };
  },
  features: [
    accountsFeature,
    profileFeature,
    branchesFeature,
    tokensFeature,
    defineFeature<IdentityDeps>({ name: 'data-keys', jobs: (deps) => [resealJob(deps)] }),
  ],
});
