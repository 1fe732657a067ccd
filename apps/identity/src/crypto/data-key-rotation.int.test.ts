import { randomBytes } from 'node:crypto';
import { adminEnv, registerMember, usePlatform, waitFor } from '@nxg/testing';
import { describe, expect, it } from 'vitest';
import { dataKeyStatus } from '../keys/key-commands.ts';

// Two identity replicas, rolled one at a time; re-sealing in small, quick batches.
const { platform, api } = usePlatform(
  {
    replicas: { identity: 2 },
    env: { identity: { ...adminEnv, DATA_KEY_RESEAL_BATCH: '3', DATA_KEY_RESEAL_INTERVAL_MS: '200' } },
  },
  { when: Boolean(process.env.DATABASE_URL) },
);

describe.skipIf(!process.env.DATABASE_URL)('rotating the data key under load', () => {
  it('keeps every sealed value opening and every login working through a rolling key change', async () => {
    const members = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(async (i) => {
        const member = await registerMember(api);
        const conditions = [`condition-${i}`];
        await api.patch(
          '/v1/me/profile',
          { fitnessProfile: { healthConditions: conditions } },
          member.accessToken,
        );
        for (const weightKg of [70 + i, 71 + i])
          await api.put('/v1/me/body-composition', { weightKg }, member.accessToken);
        return { ...member, conditions, weights: [71 + i, 70 + i] };
      }),
    );
    const failures: string[] = [];
    let running = true;
    let rounds = 0;
    const load = members.map(async (member) => {
      while (running) {
        const login = await api.post('/v1/auth/login', { login: member.email, password: member.password });
        if (login.status !== 200) {
          failures.push(`login ${login.status} ${login.body.code}`);
          continue;
        }
        const token = login.body.accessToken as string;
        const exported = await api.get('/v1/me/export', token);
        const history = await api.get('/v1/me/body-composition/history', token);
        if (exported.status !== 200) failures.push(`export ${exported.status} ${exported.body.code}`);
        else if (
          JSON.stringify(exported.body.user.profile.fitnessProfile.healthConditions) !==
          JSON.stringify(member.conditions)
        )
          failures.push(`export showed ${JSON.stringify(exported.body.user.profile.fitnessProfile)}`);
        if (history.status !== 200) failures.push(`history ${history.status} ${history.body.code}`);
        else if (
          JSON.stringify(history.body.items.map((m: { weightKg: number }) => m.weightKg)) !==
          JSON.stringify(member.weights)
        )
          failures.push(`history showed ${JSON.stringify(history.body.items)}`);
        // Writes go on too: sealed under whichever key is current on the replica that takes them.
        const patched = await api.patch(
          '/v1/me/profile',
          { fitnessProfile: { healthConditions: member.conditions } },
          token,
        );
        if (patched.status !== 200) failures.push(`patch ${patched.status} ${patched.body.code}`);
        rounds += 1;
      }
    });
    try {
      const replicas = platform.services.identity!;
      const roll = async (overrides: Record<string, string>) => {
        for (const replica of replicas) {
          const before = rounds;
          await replica.restart(overrides);
          await waitFor(async () => rounds > before + 6, 60_000);
        }
      };
      const oldKey = replicas[0]!.env.IDENTITY_DATA_KEY!;
      const newKey = randomBytes(32).toString('base64');

      // 1. Every replica learns the new key, decrypt-only.
      await roll({ IDENTITY_DATA_KEYS_DECRYPT_ONLY: newKey });
      // 2. It becomes current; the old key stays decrypt-only while values are re-sealed.
      await roll({ IDENTITY_DATA_KEY: newKey, IDENTITY_DATA_KEYS_DECRYPT_ONLY: oldKey });
      const env = replicas[0]!.env;
      const progress = await waitFor(async () => {
        const status = await dataKeyStatus(env);
        return status.done === status.total && status;
      }, 90_000);
      // users (6 + admin with no health data), 12 measurements, the signing key.
      expect(progress.total).toBe(6 + 12 + 1);
      expect(Object.keys(progress.byKey)).toEqual([`v2.${progress.currentKeyId}`]);
      // 3. The old key goes.
      await roll({ IDENTITY_DATA_KEY: newKey, IDENTITY_DATA_KEYS_DECRYPT_ONLY: '' });
    } finally {
      running = false;
      await Promise.all(load);
    }
    expect(failures).toEqual([]);
    expect(rounds).toBeGreaterThan(30);
  }, 180_000);
});
