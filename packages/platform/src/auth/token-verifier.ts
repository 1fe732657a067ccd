import { CommonErrorCodes, type RequestContext } from '@nxg/contracts';
import { AppError } from '../errors.ts';
import { createVerifier, TokenError } from 'fast-jwt';
import type { JwksKeys } from './jwks-keys.ts';
import type { RevocationWatch } from './revocation-watch.ts';

export interface Caller {
  /** The account, or for a machine token the machine. */
  userId: string;
  /** A machine token's branch. */
  machineBranchId?: string;
  roles: string[];
  branchRoles: Record<string, string>;
  token: NonNullable<RequestContext['token']>;
  /** Whether the account has MFA and when it last proved it (epoch seconds). */
  mfa: NonNullable<RequestContext['mfa']>;
  /** When the token was signed (epoch ms), for the account's "not before" revocation. */
  issuedAtMs?: number;
}

interface AccessClaims {
  sub: string;
  jti: string;
  sid: string;
  exp: number;
  typ?: string;
  bid?: string;
  roles?: unknown;
  br?: unknown;
  /** When it was signed, in ms: role changes revoke tokens signed before a moment (`usr.` revocations). */
  iat_ms?: number;
  /** The account has MFA; `mfa_at`: when it was last proved (epoch seconds). */
  mfa?: boolean;
  mfa_at?: number;
}

const unauthenticated = (
  code: 'UNAUTHENTICATED' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_REVOKED',
  message: string,
) => new AppError(401, code, message, { headers: { 'www-authenticate': 'Bearer' } });

/**
 * Verifies access tokens against identity's JWKS. Only asymmetric algorithms are accepted (so
 * `alg: none` and HS256 signed with the public key fail), and verified tokens are cached until
 * they expire: an RS256 check per request would cap the gateway far below its target.
 */
export class TokenVerifier {
  private verify: (token: string) => Promise<AccessClaims>;
  private readonly revocations: RevocationWatch;
  private readonly keys: JwksKeys;
  private readonly build: () => (token: string) => Promise<AccessClaims>;
  private generation: number;

  constructor(keys: JwksKeys, revocations: RevocationWatch, options: { issuer: string; audience: string }) {
    this.revocations = revocations;
    this.keys = keys;
    this.build = () =>
      createVerifier({
        key: async (decoded: { header: { kid?: string } }) => {
          const pem = await keys.get(decoded.header.kid);
          if (!pem) throw new Error('unknown signing key');
          return pem;
        },
        algorithms: ['RS256', 'ES256'],
        allowedIss: options.issuer,
        allowedAud: options.audience,
        // fast-jwt checks iss and aud only when present: a token must carry both.
        requiredClaims: ['sub', 'jti', 'sid', 'exp', 'iss', 'aud'],
        cache: 10_000,
        cacheTTL: 15 * 60_000,
      }) as (token: string) => Promise<AccessClaims>;
    this.verify = this.build();
    this.generation = keys.generation;
  }

  /** The caller behind an `Authorization: Bearer` value, or a 401 that says why not. */
  async authenticate(authorization: string | undefined): Promise<Caller> {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization ?? '');
    if (!match)
      throw unauthenticated(
        CommonErrorCodes.UNAUTHENTICATED,
        'Send an access token as Authorization: Bearer <token>',
      );
    return this.authenticateToken(match[1]!);
  }

  async authenticateToken(token: string): Promise<Caller> {
    let claims: AccessClaims;
    if (this.keys.generation !== this.generation) {
      // A signing key was retired: tokens verified with it must not stay trusted from the cache.
      this.generation = this.keys.generation;
      this.verify = this.build();
    }
    try {
      claims = await this.verify(token);
    } catch (error) {
      if (error instanceof TokenError && error.code === TokenError.codes.expired) {
        throw unauthenticated(CommonErrorCodes.TOKEN_EXPIRED, 'The access token has expired; refresh it');
      }
      throw unauthenticated(CommonErrorCodes.TOKEN_INVALID, 'The access token is not valid');
    }
    if (claims.typ !== 'access' || !Array.isArray(claims.roles)) {
      throw unauthenticated(CommonErrorCodes.TOKEN_INVALID, 'This is not an access token');
    }
    if (this.revocations.isRevoked(claims.jti, claims.sid, claims.sub, claims.iat_ms)) {
      throw unauthenticated(CommonErrorCodes.TOKEN_REVOKED, 'The access token was revoked; sign in again');
    }
    return {
      userId: claims.sub,
      roles: claims.roles as string[],
      branchRoles: (claims.br ?? {}) as Record<string, string>,
      token: { id: claims.jti, sessionId: claims.sid, expiresAt: claims.exp },
      ...(typeof claims.iat_ms === 'number' ? { issuedAtMs: claims.iat_ms } : {}),
      mfa: {
        enrolled: claims.mfa === true,
        ...(typeof claims.mfa_at === 'number' ? { provenAt: claims.mfa_at } : {}),
      },
      ...(claims.bid ? { machineBranchId: claims.bid } : {}),
    };
  }
}
