import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DataKeyring,
  dataKeyId,
  migrate,
  openDatabase,
  platformMigrations,
  type Database,
} from '@nxg/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadQrKey, QrTokens } from './qr-tokens.ts';

let db: Database;
const dir = mkdtempSync(join(tmpdir(), 'nxg-qr-'));

beforeAll(async () => {
  db = await openDatabase({ service: 'machine-hub', dataDir: dir });
  await migrate(db, [
    platformMigrations,
    { scope: 'machine-hub', dir: fileURLToPath(new URL('../../migrations', import.meta.url)) },
  ]);
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const stored = async () =>
  (await db.query<{ value: string }>(`SELECT value FROM hub_secrets WHERE name = 'qr-signing-key'`))[0]!
    .value;

describe('the QR signing key at rest', () => {
  it('seals a key stored in the clear, keeps signing with it, and follows a data-key rotation', async () => {
    const legacy = randomBytes(32).toString('base64');
    await db.query(`INSERT INTO hub_secrets (name, value) VALUES ('qr-signing-key', $1)`, [legacy]);
    const firstKey = randomBytes(32);
    const first = new DataKeyring(firstKey);

    const key = await loadQrKey(db, first);
    expect(await stored()).toMatch(new RegExp(`^v2\\.${first.currentId}\\.`));
    expect(await stored()).not.toContain(legacy);
    // The HMAC key is derived for QR signing, not the stored secret itself.
    expect(key.equals(Buffer.from(legacy, 'base64'))).toBe(false);
    expect((await loadQrKey(db, first)).equals(key)).toBe(true);
    const token = new QrTokens(key, 60).issue('machine-1').token;

    // A new data key alone cannot open it; with the old one decrypt-only it is re-sealed under the new.
    const nextKey = randomBytes(32);
    await expect(loadQrKey(db, new DataKeyring(nextKey))).rejects.toThrow(/HUB_DATA_KEY/);
    const rotated = await loadQrKey(db, new DataKeyring(nextKey, [firstKey]));
    expect(rotated.equals(key)).toBe(true);
    expect(await stored()).toMatch(new RegExp(`^v2\\.${dataKeyId(nextKey)}\\.`));
    expect((await loadQrKey(db, new DataKeyring(nextKey))).equals(key)).toBe(true);
    // QR codes shown before the rotation still verify.
    expect(new QrTokens(rotated, 60).verify(token).machineId).toBe('machine-1');
  });
});
