import { randomUUID } from 'node:crypto';
import { identityEvents, machineEvents, nutritionEvents, workoutEvents } from '@nxg/contracts';
import type { Database } from '@nxg/platform';
import { adminEnv, openGym, registerMember, usePlatform, waitFor } from '@nxg/testing';
import { describe, expect, it } from 'vitest';
import type { AnalyticsConfig } from '../config.ts';
import { analyticsCaughtUp, envelopeOf, publishEnvelope } from '../test-support.ts';
import { READ_MODEL_TABLES } from '../read-model-tables.ts';
import { rebuildReadModels } from './rebuild.ts';

const { platform, api } = usePlatform({
  replicas: { workout: 1, analytics: 1 },
  env: { identity: adminEnv },
});

const kit = () => platform.services.analytics![0]!.app!.kit;
const caughtUp = () => waitFor(() => analyticsCaughtUp(platform.nc));

/**
 * Every read model's rows, in a stable order. An award's id and the moment it was written are
 * made afresh by a rebuild (what it awards, for which event and when it happened are not).
 */
async function readModels(db: Database) {
  const tables: Record<string, unknown[]> = {};
  for (const table of READ_MODEL_TABLES) {
    const rows = await db.query(`SELECT * FROM ${table}`);
    tables[table] = rows
      .map((row) => {
        const { id: _id, awarded_at: _awardedAt, ...kept } = row as Record<string, unknown>;
        const plain = table === 'points_ledger' ? kept : (row as Record<string, unknown>);
        return JSON.stringify(plain, (_key, value: unknown) =>
          value instanceof Date ? value.toISOString() : value,
        );
      })
      .sort();
  }
  return tables;
}

describe('rebuilding the read models from the streams', () => {
  it('gives the same read models as live, switches over while analytics runs, and live carries on', async () => {
    const gym = await openGym(platform, 'Rebuild');
    // A member who moved zone, trained at the gym and beat records.
    const ada = await registerMember(api, { name: 'Ada' });
    expect((await api.patch('/v1/me/profile', { timezone: 'Europe/Berlin' }, ada.accessToken)).status).toBe(
      200,
    );
    expect(
      (await api.post('/v1/sessions/check-in', { branchId: gym.branchId }, ada.accessToken)).status,
    ).toBe(201);
    for (const [weightKg, reps] of [
      [60, 5],
      [70, 5],
      [70, 8],
    ]) {
      const logged = await api.post(
        '/v1/workouts/logs',
        { exerciseId: 'back-squat', weightKg, reps },
        ada.accessToken,
      );
      expect(logged.status).toBe(201);
    }
    expect((await api.post('/v1/sessions/check-out', undefined, ada.accessToken)).status).toBe(200);

    // A member with a streak and a machine workout.
    const bo = await registerMember(api, { name: 'Bo' });
    for (const day of ['2026-10-01', '2026-10-02', '2026-10-03']) {
      await publishEnvelope(
        platform,
        envelopeOf(workoutEvents.exerciseLogged, {
          userId: bo.user.id,
          logId: randomUUID(),
          exerciseName: 'Push-up',
          reps: 20,
          weightKg: null,
          durationS: null,
          source: 'manual',
          sessionId: null,
          at: `${day}T07:00:00.000Z`,
        }),
      );
    }
    const machineId = randomUUID();
    const linkId = randomUUID();
    const ids = { machineId, branchId: gym.branchId, linkId, userId: bo.user.id };
    const on = (kind: string) => ({
      natsSubject: machineEvents.machineSubject(gym.branchId, machineId, kind),
    });
    await publishEnvelope(
      platform,
      envelopeOf(machineEvents.machineLinked, { ...ids, at: '2026-10-03T08:00:00.000Z' }),
      on('linked'),
    );
    await publishEnvelope(
      platform,
      envelopeOf(machineEvents.machineSetCompleted, {
        ...ids,
        frameId: randomUUID(),
        at: '2026-10-03T08:05:00.000Z',
        exercise: 'Chest press',
        reps: 10,
        weightKg: 40,
        durationS: 30,
      }),
      on('set_completed'),
    );
    await publishEnvelope(
      platform,
      envelopeOf(machineEvents.machineUnlinked, {
        ...ids,
        reason: 'machine',
        at: '2026-10-03T08:20:00.000Z',
        workout: {
          machineName: 'Chest press station',
          machineType: 'strength',
          durationS: 1200,
          distanceM: null,
          kcal: null,
          avgHeartRate: 110,
          maxHeartRate: 131,
          sets: 1,
          reps: 10,
          samples: 40,
        },
      }),
      on('unlinked'),
    );

    // Bo's meals against a meal plan, one of them removed.
    await publishEnvelope(
      platform,
      envelopeOf(nutritionEvents.planGenerated, {
        userId: bo.user.id,
        planId: randomUUID(),
        source: 'fallback',
        reason: 'requested',
        timezone: 'UTC',
        startsOn: '2026-10-03',
        kcalTarget: 2200,
        proteinG: 140,
        carbsG: 250,
        fatG: 70,
        days: [{ date: '2026-10-03', meals: [{ mealType: 'lunch', time: '12:30', kcal: 700 }] }],
        at: '2026-10-02T20:00:00.000Z',
      }),
    );
    for (const [mealType, kcal] of [
      ['lunch', 650],
      ['dinner', 800],
    ] as const) {
      const meal = envelopeOf(nutritionEvents.mealLogged, {
        userId: bo.user.id,
        mealId: randomUUID(),
        mealType,
        source: 'manual',
        localDate: '2026-10-03',
        timezone: 'UTC',
        eatenAt: '2026-10-03T12:30:00.000Z',
        kcal,
        proteinG: 40,
        carbsG: 80,
        fatG: 20,
        fibreG: 6,
        itemCount: 1,
        planned: mealType === 'lunch',
        planId: null,
        at: '2026-10-03T12:31:00.000Z',
      });
      await publishEnvelope(platform, meal);
      if (mealType === 'dinner') {
        await publishEnvelope(
          platform,
          envelopeOf(nutritionEvents.mealDeleted, {
            userId: bo.user.id,
            mealId: meal.data.mealId,
            mealType,
            localDate: '2026-10-03',
            kcal,
            proteinG: 40,
            carbsG: 80,
            fatG: 20,
            fibreG: 6,
            at: '2026-10-03T21:00:00.000Z',
          }),
        );
      }
    }

    // A member who trained, then erased their account.
    const cy = await registerMember(api, { name: 'Cy' });
    await api.post('/v1/workouts/logs', { exerciseId: 'deadlift', weightKg: 100, reps: 3 }, cy.accessToken);
    await waitFor(async () => (await api.get('/v1/me/points', cy.accessToken)).body.total > 0);
    await publishEnvelope(
      platform,
      envelopeOf(identityEvents.userDeleted, { userId: cy.user.id, deletedAt: new Date().toISOString() }),
    );
    await waitFor(async () => (await api.get('/v1/me/points', ada.accessToken)).body.total >= 3 + 10 + 15);
    await caughtUp();

    const db = kit().db;
    const live = await readModels(db);
    expect(live.sets!.length).toBeGreaterThanOrEqual(7);
    expect(live.points_ledger!.length).toBeGreaterThan(10);
    expect(live.erased_members).toHaveLength(1);
    expect(live.meals).toHaveLength(2);

    const report = await rebuildReadModels({
      db,
      nc: kit().nc,
      logger: kit().logger,
      config: kit().config as AnalyticsConfig,
    });
    expect(report.events).toBeGreaterThan(20);
    expect(await readModels(db)).toEqual(live);
    expect(await db.query(`SELECT 1 FROM pg_namespace WHERE nspname LIKE 'analytics_%'`)).toEqual([]);

    // Live carries on against the new tables: a new set earns its point.
    const before = (await api.get('/v1/me/points', ada.accessToken)).body.total as number;
    await api.post('/v1/workouts/logs', { exerciseId: 'back-squat', weightKg: 20, reps: 5 }, ada.accessToken);
    await waitFor(async () => (await api.get('/v1/me/points', ada.accessToken)).body.total === before + 1);
    expect((await api.get('/v1/me/points', cy.accessToken)).body.total).toBe(0);
  });
});
