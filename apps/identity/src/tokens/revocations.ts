import type { NatsConnection } from '@nats-io/transport-node';
import { RevocationWriter } from '@nxg/platform';

/**
 * Identity's revocations: `jti.<tokenId>` for one access token, `sid.<sessionId>` for every access
 * token of a session, `usr.<userId>` {notBefore} for an account's tokens signed before a role change.
 */
export class RevocationList {
  private readonly writer: RevocationWriter;

  constructor(nc: NatsConnection) {
    this.writer = new RevocationWriter(nc);
  }

  async revokeToken(tokenId: string, expiresAt: number): Promise<void> {
    await this.writer.revoke(`jti.${tokenId}`, { expiresAt });
  }

  /** Every access token of the account signed before `atMs` (its roles changed). */
  async revokeUserTokensBefore(userId: string, atMs: number): Promise<void> {
    await this.writer.revoke(`usr.${userId}`, { notBefore: atMs });
  }

  async revokeSessions(sessionIds: string[]): Promise<void> {
    await Promise.all(sessionIds.map((id) => this.writer.revoke(`sid.${id}`, { at: Date.now() })));
  }
}
