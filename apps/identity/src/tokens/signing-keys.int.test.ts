import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openDatabase, platformMigrations, type Database } from '@nxg/platform';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldCipher } from '../crypto/field-cipher.ts';
import { SigningKeys } from './signing-keys.ts';
import { TokenIssuer } from './token-issuer.ts';

let db: Database;
const dir = mkdtempSync(join(tmpdir(), 'nxg-keys-'));
const cipher = new FieldCipher(randomBytes(32));

beforeAll(async () => {
  db = await openDatabase({ service: 'identity', dataDir: dir });
  await migrate(db, [
    platformMigrations,
    { scope: 'identity', dir: fileURLToPath(new URL('../../migrations', import.meta.url)) },
  ]);
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('signing keys', () => {
  it('creates one key, reuses it, and signs tokens its JWKS verifies', async () => {
    const keys = new SigningKeys(db, cipher, 'RS256', 30);
    await keys.refresh();
    const kid = keys.current().kid;
    const again = new SigningKeys(db, cipher, 'RS256', 30);
    await again.refresh();
    expect(again.current().kid).toBe(kid);

    const issuer = new TokenIssuer(again, { issuer: 'nxg-identity', audience: 'nxg', ttlS: 60 });
    const token = await issuer.issue({ id: 'user-1', roles: ['member'], branchRoles: {} }, 'session-1');
    const { payload, protectedHeader } = await jwtVerify(token.token, createLocalJWKSet(await keys.jwks()), {
      issuer: 'nxg-identity',
      audience: 'nxg',
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid });
    expect(payload).toMatchObject({ sub: 'user-1', sid: 'session-1', typ: 'access', roles: ['member'] });
    const [stored] = await db.query<{ private_sealed: string }>('SELECT private_sealed FROM signing_keys');
    expect(stored!.private_sealed).toMatch(/^v1\./);
  });

  it('rotates an old key and keeps it in the JWKS while its tokens may live', async () => {
    const keys = new SigningKeys(db, cipher, 'RS256', 30);
    await keys.refresh();
    const oldKid = keys.current().kid;
    await db.query(`UPDATE signing_keys SET created_at = now() - interval '31 days'`);
    await keys.refresh();
    const newKid = keys.current().kid;
    expect(newKid).not.toBe(oldKid);
    const kids = (await keys.jwks()).keys.map((k) => k.kid);
    expect(kids).toEqual([newKid, oldKid]);
    await db.query(`UPDATE signing_keys SET retired_at = now() - interval '2 days' WHERE kid = $1`, [oldKid]);
    expect((await keys.jwks()).keys.map((k) => k.kid)).toEqual([newKid]);
  });
});
