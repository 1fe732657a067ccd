import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKeys } from './signing-keys.ts';

export interface TokenSubject {
  id: string;
  roles: string[];
  branchRoles: Record<string, string>;
  /** Members: whether the account has MFA, and when this session last proved it. */
  mfa?: { enrolled: boolean; provenAt: Date | null };
}

export interface AccessToken {
  token: string;
  id: string;
  expiresIn: number;
}

/**
 * Short-lived access tokens: who (sub), which session (sid), what they may do (roles, br), and for
 * members how they signed in: `amr` (pwd, otp), `mfa` (the account has MFA), `mfa_at` (epoch
 * seconds of the last proof, for step-up) and `iat_ms` (a role change revokes tokens signed before it).
 */
export class TokenIssuer {
  private readonly keys: SigningKeys;
  private readonly options: { issuer: string; audience: string; ttlS: number };

  constructor(keys: SigningKeys, options: { issuer: string; audience: string; ttlS: number }) {
    this.keys = keys;
    this.options = options;
  }

  /** `extra` claims ride along, e.g. a machine token's branch (`bid`). */
  async issue(
    subject: TokenSubject,
    sessionId: string,
    extra: Record<string, string> = {},
  ): Promise<AccessToken> {
    const { kid, alg, key } = this.keys.current();
    const id = randomUUID();
    const mfa = subject.mfa;
    const provenAt = mfa?.provenAt ? Math.floor(mfa.provenAt.getTime() / 1000) : undefined;
    const token = await new SignJWT({
      ...extra,
      ...(mfa
        ? {
            amr: provenAt === undefined ? ['pwd'] : ['pwd', 'otp'],
            mfa: mfa.enrolled,
            ...(provenAt === undefined ? {} : { mfa_at: provenAt }),
          }
        : {}),
      iat_ms: Date.now(),
      roles: subject.roles,
      br: subject.branchRoles,
      sid: sessionId,
      typ: 'access',
    })
      .setProtectedHeader({ alg, kid, typ: 'at+jwt' })
      .setSubject(subject.id)
      .setJti(id)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.options.ttlS}s`)
      .sign(key);
    return { token, id, expiresIn: this.options.ttlS };
  }
}
