import {
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { HubErrors } from '@nxg/contracts';
import { AppError, ConfigError, SealedValues, type Database, type DataKeyring } from '@nxg/platform';

const SECRET_NAME = 'qr-signing-key';
const SECRET_LOCK = 72_030_001;
const boundTo = `hub_secrets.value:${SECRET_NAME}`;

/**
 * The QR signing key: a secret generated once and kept in the hub's database (so every replica
 * shares it), sealed under the hub's data key and bound to its row. The HMAC key is derived from it
 * for that one purpose (HKDF), never the stored secret itself. A secret stored in the clear by an
 * earlier release, or under an older data key, is sealed anew under the current one.
 */
export async function loadQrKey(db: Database, keyring: DataKeyring): Promise<Buffer> {
  const sealer = new SealedValues(keyring, 'machine-hub.secrets');
  const secret = await db.withLock(SECRET_LOCK, async (tx) => {
    const [row] = await tx.query<{ value: string }>('SELECT value FROM hub_secrets WHERE name = $1', [
      SECRET_NAME,
    ]);
    let plain: string;
    if (!row) plain = randomBytes(32).toString('base64');
    else if (!/^v\d\./.test(row.value)) plain = row.value;
    else {
      try {
        plain = sealer.open<string>(row.value, boundTo);
      } catch {
        throw new ConfigError(
          "machine-hub's QR signing key does not open with HUB_DATA_KEY or HUB_DATA_KEYS_DECRYPT_ONLY: " +
            'start the hub with the key its database was sealed with.',
        );
      }
    }
    if (!row || !sealer.isCurrent(row.value)) {
      await tx.query(
        `INSERT INTO hub_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
        [SECRET_NAME, sealer.seal(plain, boundTo)],
      );
    }
    return Buffer.from(plain, 'base64');
  });
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'nxg:machine-hub.qr-signing', 32));
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
  private readonly key: KeyObject;
  private readonly ttlS: number;

  constructor(key: Buffer, ttlS: number) {
    // A key object once, not a Buffer converted on every HMAC.
    this.key = createSecretKey(key);
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
