import type { Cache, Database, OutboxRelay } from '@nxg/platform';
import type { Logger } from 'pino';
import type { LoginGuard } from './accounts/login-guard.ts';
import type { FieldCipher } from './crypto/field-cipher.ts';
import type { MfaChallenges } from './mfa/mfa-challenges.ts';
import type { MfaStore } from './mfa/mfa-store.ts';
import type { MfaVerifier } from './mfa/mfa-verifier.ts';
import type { RevocationList } from './tokens/revocations.ts';
import type { SessionStore } from './tokens/session-store.ts';
import type { SigningKeys } from './tokens/signing-keys.ts';
import type { UserViewCache } from './profile/user-view-cache.ts';
import type { TokenIssuer } from './tokens/token-issuer.ts';

/** What identity's feature handlers work with, assembled once in service.ts. */
export interface IdentityDeps {
  db: Database;
  cache: Cache;
  outbox: OutboxRelay;
  cipher: FieldCipher;
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
  config: { mfaIssuer: string };
  logger: Logger;
}
