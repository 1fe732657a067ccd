import { randomUUID } from 'node:crypto';
import { tokenAudience, type TokenKind } from '@nxg/platform';
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

interface IssuerOptions {
  issuer: string;
  audience: string;
  /** Members' access tokens. */
  ttlS: number;
  /** Machine tokens (role `machine`). */
  machineTtlS?: number;
}

/**
 * Short-lived access tokens: who (sub), which session (sid), what they may do (roles, br), and for
 * members how they signed in: `amr` (pwd, otp), `mfa` (the account has MFA), `mfa_at` (epoch
 * seconds of the last proof, for step-up) and `iat_ms` (a role change revokes tokens signed before it).
 */
export class TokenIssuer {
  private readonly keys: SigningKeys;
  private readonly options: IssuerOptions;

  constructor(keys: SigningKeys, options: IssuerOptions) {
    this.keys = keys;
    this.options = options;
  }

  /**
   * `extra` claims ride along, e.g. a machine token's branch (`bid`). A machine token gets the
   * machine audience, which only machine-hub accepts.
   */
  async issue(
    subject: TokenSubject,
    sessionId: string,
    extra: Record<string, string> = {},
    kind: TokenKind = 'member',
  ): Promise<AccessToken> {
    const { kid, alg, key } = this.keys.current();
    const id = randomUUID();
    const mfa = subject.mfa;
    const provenAt = mfa?.provenAt ? Math.floor(mfa.provenAt.getTime() / 1000) : undefined;
    const ttlS = subject.roles.includes('machine')
      ? (this.options.machineTtlS ?? this.options.ttlS)
      : this.options.ttlS;
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
      .setAudience(tokenAudience(this.options.audience, kind))
      .setIssuedAt()
      .setExpirationTime(`${ttlS}s`)
      .sign(key);
    return { token, id, expiresIn: ttlS };
  }
}
