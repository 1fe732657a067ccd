import { randomBytes } from 'node:crypto';
import {
  adminEnv,
  linkMember,
  onlineMachine,
  openGym,
  registerMember,
  usePlatform,
  waitFor,
  type TestPlatform,
} from '@nxg/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

const withServer = Boolean(process.env.DATABASE_URL);
const { platform, api } = usePlatform(
  {
    replicas: { 'machine-hub': 1, workout: 1, nutrition: 1, analytics: 1, notification: 1 },
    env: { identity: adminEnv },
  },
  { when: withServer },
);

/**
 * Rows in every table of a service's database whose text mentions `id`. The outbox is left out:
 * it is the transport of events (among them the erasure event itself), emptied hours after relay.
 */
async function tracesOf(platform: TestPlatform, service: string, id: string): Promise<string[]> {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${platform.services[service]![0]!.env.DATABASE_NAME}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT quote_ident(table_name) AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'outbox'`,
    );
    const found: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await client.query(`SELECT count(*)::int AS n FROM ${name} t WHERE t::text LIKE $1`, [
        `%${id}%`,
      ]);
      if (rows.rows[0].n > 0) found.push(`${service}.${name}`);
    }
    return found;
  } finally {
    await client.end();
  }
}

const services = ['identity', 'machine-hub', 'workout', 'nutrition', 'analytics', 'notification'];
const allTraces = async (id: string) =>
  (await Promise.all(services.map((s) => tracesOf(platform, s, id)))).flat().sort();

describe.skipIf(!withServer)('erasure across services', () => {
  it('leaves no trace of the member id in any service after DELETE /v1/me', async () => {
    const gym = await openGym(platform, 'Erasure');
    const member = await registerMember(api, { name: 'Ada Erased' });
    const id = member.user.id;
    const token = member.accessToken;
    await api.patch(
      '/v1/me/profile',
      { fitnessProfile: { level: 'beginner', healthConditions: ['asthma'] } },
      token,
    );
    await api.put('/v1/me/body-composition', { weightKg: 70 }, token);
    const device = await api.post(
      '/v1/notifications/devices',
      {
        token: `${randomBytes(11).toString('base64url')}:APA91b${randomBytes(100).toString('base64url')}`,
        platform: 'android',
      },
      token,
    );
    expect(device.status).toBe(201);
    const meal = await api.post(
      '/v1/nutrition/meals',
      { mealType: 'lunch', items: [{ name: 'Lentil soup', kcal: 320, proteinG: 18, carbsG: 45, fatG: 6 }] },
      token,
    );
    expect(meal.status).toBe(201);
    expect((await api.post('/v1/sessions/check-in', { branchId: gym.branchId }, token)).status).toBe(201);
    const { machine, machineId } = await onlineMachine(platform, gym, { type: 'strength', heartbeats: true });
    const { linkId } = await linkMember(api, machine, token);
    const set = machine.send({
      type: 'set.completed',
      linkId,
      exercise: 'Leg press',
      reps: 10,
      weightKg: 60,
      durationS: 30,
    });
    expect((await machine.reply(set.id)).type).toBe('ack');
    await api.post('/v1/machines/unlink', { machineId }, token);
    // A second link, left open: erasure ends it.
    const { linkId: openLink } = await linkMember(api, machine, token);

    // Every service holds something of the member before (so the check below can fail).
    await waitFor(async () => {
      const traces = await allTraces(id);
      return services.every((s) => traces.some((t) => t.startsWith(`${s}.`))) && traces;
    });

    expect((await api.delete('/v1/me', token)).status).toBe(204);
    await waitFor(async () => (await allTraces(id)).length === 0, 20_000).catch(async () => {
      throw new Error(`traces of the erased member remain in: ${(await allTraces(id)).join(', ')}`);
    });
    // The machine learns its member is gone; its history keeps the link without the member.
    expect(await machine.next((m) => m.type === 'unlinked' && m.linkId === openLink)).toMatchObject({
      reason: 'account_erased',
    });
    machine.close();
  });
});
