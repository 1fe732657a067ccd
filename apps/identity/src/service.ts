import { fileURLToPath } from 'node:url';
import { defineService, SealedValues } from '@nxg/platform';
import { accountsFeature } from './accounts/accounts-feature.ts';
import { LoginGuard } from './accounts/login-guard.ts';
import { ensurePlatformAdmin } from './accounts/platform-admin.ts';
import { auditFeature } from './audit/audit-feature.ts';
import { branchesFeature } from './branches/branches-feature.ts';
import { identityConfigProblems, IdentityConfigSchema } from './config.ts';
import { identityKeyring, signingKeyOptions } from './crypto/identity-keys.ts';
import { dataKeysFeature } from './crypto/data-keys-feature.ts';
import { SealPurposes } from './crypto/sealed-columns.ts';
import type { IdentityDeps } from './deps.ts';
import { MfaChallenges } from './mfa/mfa-challenges.ts';
import { mfaFeature } from './mfa/mfa-feature.ts';
import { MfaStore } from './mfa/mfa-store.ts';
import { MfaVerifier } from './mfa/mfa-verifier.ts';
import { profileFeature } from './profile/profile-feature.ts';
import { openScanServices } from './scans/scan-services.ts';
import { scansFeature } from './scans/scans-feature.ts';
import { UserViewCache } from './profile/user-view-cache.ts';
import { RevocationList } from './tokens/revocations.ts';
import { socialFeature } from './social/social-feature.ts';
import { SessionStore } from './tokens/session-store.ts';
import { SigningKeys } from './tokens/signing-keys.ts';
import { TokenIssuer } from './tokens/token-issuer.ts';
import { tokensFeature } from './tokens/tokens-feature.ts';

/**
 * Identity: accounts, two-step sign-in, tokens and the JWKS, profiles and sealed health data,
 * branches and roles, and the security audit log.
 */
export default defineService({
  name: 'identity',
  config: IdentityConfigSchema,
  checkConfig: identityConfigProblems,
  port: 'IDENTITY_PORT',
  migrations: fileURLToPath(new URL('../migrations', import.meta.url)),
  async context({ config, db, nc, cache, logger, onStop }): Promise<IdentityDeps> {
    const keyring = await identityKeyring(config, logger);
    const keys = new SigningKeys(db, keyring, signingKeyOptions(config));
    await keys.refresh();
    if (config.PLATFORM_ADMIN_EMAIL && config.PLATFORM_ADMIN_PASSWORD) {
      await ensurePlatformAdmin(db, config.PLATFORM_ADMIN_EMAIL, config.PLATFORM_ADMIN_PASSWORD, logger);
    }
    const cipher = new SealedValues(keyring, SealPurposes.fields);
    const mfaStore = new MfaStore(cipher);
    const users = new UserViewCache(nc);
    users.start();
    onStop(() => users.stop());
    return {
      config,
      db,
      cache,
      cipher,
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
      mfaStore,
      mfa: new MfaVerifier(db, cache, mfaStore, {
        maxFailures: config.MFA_MAX_FAILURES,
        cooldownS: config.LOGIN_COOLDOWN_S,
      }),
      mfaChallenges: new MfaChallenges(cache),
      scans: await openScanServices(config, { cache, logger, onStop }),
    };
  },
  features: [
    accountsFeature,
    mfaFeature,
    profileFeature,
    branchesFeature,
    tokensFeature,
    auditFeature,
    dataKeysFeature,
    scansFeature,
    socialFeature,
  ],
});
