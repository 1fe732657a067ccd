import { randomBytes } from 'node:crypto';
import { DataKeyring } from '@nxg/platform';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { migratedIdentityDatabase } from '../identity-database.test-support.ts';
import { SigningKeys } from './signing-keys.ts';
import { TokenIssuer } from './token-issuer.ts';

const db = await migratedIdentityDatabase();
const keyring = new DataKeyring(randomBytes(32));
const options = { alg: 'RS256', rotationDays: 30, prepublishS: 3600, retainS: 960 } as const;
const kids = async (keys: SigningKeys) => (await keys.jwks()).keys.map((k) => k.kid);

describe('signing keys', () => {
  it('creates one key, reuses it, and signs tokens its JWKS verifies', async () => {
    const keys = new SigningKeys(db, keyring, options);
    await keys.refresh();
    const kid = keys.current().kid;
    const again = new SigningKeys(db, keyring, options);
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
    expect(stored!.private_sealed).toMatch(/^v2\./);
  });

  it('publishes a staged key before it signs, then keeps the old one until its tokens expired', async () => {
    const keys = new SigningKeys(db, keyring, options);
    await keys.refresh();
    const oldKid = keys.current().kid;
    const staged = await keys.stage();
    // Published at once, signing only later: verifiers fetch it before they meet its tokens.
    expect(await kids(keys)).toEqual([staged.kid, oldKid]);
    expect(keys.current().kid).toBe(oldKid);
    const other = new SigningKeys(db, keyring, options);
    await other.refresh();
    expect(other.current().kid).toBe(oldKid);

    // Its time comes: every replica switches by the clock, the old key retires that instant.
    await db.query(`UPDATE signing_keys SET activates_at = now() - interval '1 second' WHERE kid = $1`, [
      staged.kid,
    ]);
    await db.query(`UPDATE signing_keys SET retired_at = now() - interval '1 second' WHERE kid = $1`, [
      oldKid,
    ]);
    await other.refresh();
    expect(other.current().kid).toBe(staged.kid);
    expect((await kids(keys)).sort()).toEqual([staged.kid, oldKid].sort());
    // Once every token the old key signed has expired (retainS), it leaves the JWKS.
    await db.query(`UPDATE signing_keys SET retired_at = now() - interval '17 minutes' WHERE kid = $1`, [
      oldKid,
    ]);
    expect(await kids(keys)).toEqual([staged.kid]);
  });

  it('stages the next key by itself when the current one is older than the rotation period', async () => {
    await db.query('DELETE FROM signing_keys');
    const keys = new SigningKeys(db, keyring, options);
    await keys.refresh();
    const current = keys.current().kid;
    await db.query(`UPDATE signing_keys SET activates_at = now() - interval '31 days' WHERE kid = $1`, [
      current,
    ]);
    await keys.refresh();
    expect(keys.current().kid).toBe(current);
    const published = await kids(keys);
    expect(published).toHaveLength(2);
    expect(published[1]).toBe(current);
    await keys.refresh();
    expect(await kids(keys)).toEqual(published);
  });
});
