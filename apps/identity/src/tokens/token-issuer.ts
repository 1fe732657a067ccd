import { randomUUID } from 'node:crypto';
import { tokenAudience, type TokenKind } from '@nxg/platform';
import { SignJWT } from 'jose';
import type { SigningKeys } from './signing-keys.ts';

export interface TokenSubject {
  id: string;
  roles: string[];
  branchRoles: Record<string, string>;
}

export interface AccessToken {
  token: string;
  id: string;
  expiresIn: number;
}

/** Short-lived access tokens: who (sub), which session (sid), what they may do (roles, br). */
export class TokenIssuer {
  private readonly keys: SigningKeys;
  private readonly options: { issuer: string; audience: string; ttlS: number };

  constructor(keys: SigningKeys, options: { issuer: string; audience: string; ttlS: number }) {
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
    const token = await new SignJWT({
      ...extra,
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
      .setExpirationTime(`${this.options.ttlS}s`)
      .sign(key);
    return { token, id, expiresIn: this.options.ttlS };
  }
}
