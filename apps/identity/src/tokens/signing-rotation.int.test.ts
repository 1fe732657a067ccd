import { adminEnv, registerMember, usePlatform, waitFor } from '@nxg/testing';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { rotateSigningKey } from '../keys/key-commands.ts';

// Two identity replicas and a staged key that signs 12 s after it is published: longer than the
// verifiers' JWKS refetch interval (10 s), so no gateway ever meets a kid it could not fetch.
// The load is a tight loop from one address: on a fast machine it passed the gateway's rate limit.
const { platform, api } = usePlatform(
  {
    replicas: { identity: 2 },
    env: {
      identity: { ...adminEnv, SIGNING_KEY_PREPUBLISH_S: '12' },
      gateway: { RATE_LIMIT_MAX: '1000000' },
    },
  },
  { when: Boolean(process.env.DATABASE_URL) },
);

const kidOf = (token: string) => decodeProtectedHeader(token).kid!;

describe.skipIf(!process.env.DATABASE_URL)('rotating the signing key under load', () => {
  it('refuses no valid token while logins and authenticated requests go on', async () => {
    const members = await Promise.all([1, 2, 3, 4].map(() => registerMember(api)));
    const oldKid = kidOf(members[0]!.accessToken);
    const failures: string[] = [];
    const tokens = members.map((m) => m.accessToken);
    const kidsSeen = new Set<string>();
    let running = true;

    // Each member keeps reading itself with every token it ever got, and logs in again and again.
    const load = members.map(async (member, i) => {
      while (running) {
        const login = await api.post('/v1/auth/login', { login: member.email, password: member.password });
        if (login.status !== 200) failures.push(`login ${login.status} ${login.body.code}`);
        else {
          tokens.push(login.body.accessToken as string);
          kidsSeen.add(kidOf(login.body.accessToken as string));
        }
        for (const token of [tokens[i]!, tokens.at(-1)!]) {
          const me = await api.get('/v1/me', token);
          if (me.status !== 200) failures.push(`me ${me.status} ${me.body.code} kid ${kidOf(token)}`);
        }
      }
    });

    let staged: { kid: string; activatesAt: string };
    try {
      staged = await rotateSigningKey(platform.services.identity![0]!.env);
      expect(staged.kid).not.toBe(oldKid);
      const jwks = await api.get('/.well-known/jwks.json');
      expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual(
        expect.arrayContaining([staged.kid, oldKid]),
      );

      await waitFor(async () => kidsSeen.has(staged.kid), 90_000);
      // A little more load after the switch: old and new tokens side by side.
      const after = tokens.length;
      await waitFor(async () => tokens.length > after + 20, 60_000);
    } finally {
      running = false;
      await Promise.all(load);
    }

    expect(failures).toEqual([]);
    expect(new Set(tokens.map(kidOf))).toEqual(new Set([oldKid, staged.kid]));
    // Nothing was signed with the staged key before its time.
    const activatesAtS = Math.floor(Date.parse(staged.activatesAt) / 1000);
    for (const token of tokens.filter((t) => kidOf(t) === staged.kid))
      expect(decodeJwt(token).iat).toBeGreaterThanOrEqual(activatesAtS);
    // Tokens of the old key still work after the switch, until they expire.
    expect((await api.get('/v1/me', members[0]!.accessToken)).status).toBe(200);
    const published = (await api.get('/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
    expect(published).toEqual(expect.arrayContaining([staged.kid, oldKid]));
  }, 180_000);
});
