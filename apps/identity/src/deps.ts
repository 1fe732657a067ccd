import type { Cache, Database, DataKeyring, SealedValues } from '@nxg/platform';
import type { Logger } from 'pino';
import type { LoginGuard } from './accounts/login-guard.ts';
import type { MfaChallenges } from './mfa/mfa-challenges.ts';
import type { MfaStore } from './mfa/mfa-store.ts';
import type { MfaVerifier } from './mfa/mfa-verifier.ts';
import type { RevocationList } from './tokens/revocations.ts';
import type { SessionStore } from './tokens/session-store.ts';
import type { SigningKeys } from './tokens/signing-keys.ts';
import type { UserViewCache } from './profile/user-view-cache.ts';
import type { TokenIssuer } from './tokens/token-issuer.ts';
import type { IdentityConfig } from './config.ts';
import type { ScanServices } from './scans/scan-services.ts';

/** What identity's feature handlers work with, assembled once in service.ts. */
export interface IdentityDeps {
  db: Database;
  cache: Cache;
  /** Seals health data (bound to its row; see crypto/sealed-columns.ts). */
  cipher: SealedValues;
  /** The data keys, for re-sealing under the current one. */
  keyring: DataKeyring;
  config: IdentityConfig;
  keys: SigningKeys;
  issuer: TokenIssuer;
  sessions: SessionStore;
  revocations: RevocationList;
  guard: LoginGuard;
  users: UserViewCache;
  mfaStore: MfaStore;
  /** Checks second-factor codes (throttled, single use). */
  mfa: MfaVerifier;
  /** The `mfaToken`s of sign-ins waiting for their code. */
  mfaChallenges: MfaChallenges;
  logger: Logger;
  /** Object storage and the 3D scanning service. */
  scans: ScanServices;
}
