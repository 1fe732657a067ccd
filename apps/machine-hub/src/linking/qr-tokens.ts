import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HubErrors } from '@nxg/contracts';
import { AppError, type Database } from '@nxg/platform';

const SECRET_NAME = 'qr-signing-key';

/** The QR signing key, generated once and kept in the hub's database so every replica shares it. */
export async function loadQrKey(db: Database): Promise<Buffer> {
  await db.query('INSERT INTO hub_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    SECRET_NAME,
    randomBytes(32).toString('base64'),
  ]);
  const [row] = await db.query<{ value: string }>('SELECT value FROM hub_secrets WHERE name = $1', [
    SECRET_NAME,
  ]);
  return Buffer.from(row!.value, 'base64');
}

export interface QrClaims {
  machineId: string;
  nonce: string;
}

/**
 * Short-lived, signed QR tokens: `<payload>.<hmac>`, base64url. Single use is enforced where the
 * token is redeemed (a nonce can be redeemed once).
 */
export class QrTokens {
  private readonly key: Buffer;
  private readonly ttlS: number;

  constructor(key: Buffer, ttlS: number) {
    this.key = key;
    this.ttlS = ttlS;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  issue(machineId: string, now = Date.now()): { token: string; expiresAt: string } {
    const expiresAt = now + this.ttlS * 1000;
    const payload = Buffer.from(
      JSON.stringify({ m: machineId, n: randomBytes(12).toString('base64url'), e: expiresAt }),
    ).toString('base64url');
    return { token: `${payload}.${this.sign(payload)}`, expiresAt: new Date(expiresAt).toISOString() };
  }

  verify(token: string, now = Date.now()): QrClaims {
    const [payload, signature] = token.split('.');
    const invalid = new AppError(400, HubErrors.QR_TOKEN_INVALID, 'This is not a QR code of ours');
    if (!payload || !signature) throw invalid;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      m: string;
      n: string;
      e: number;
    };
    if (claims.e < now)
      throw new AppError(410, HubErrors.QR_TOKEN_EXPIRED, 'The QR code has expired; scan the new one');
    return { machineId: claims.m, nonce: claims.n };
  }
}
