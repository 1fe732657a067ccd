import { randomUUID } from 'node:crypto';
import { analyticsEvents } from '@nxg/contracts';
import { adminEnv, connectLive, registerMember, usePlatform } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

/** What analytics pushes in a live message's data. */
type Pushed = { ruleId?: string; reason?: string; total?: number; [key: string]: unknown };
const dataOf = (m: object) => ((m as { data?: unknown }).data ?? {}) as Pushed;
import { envelopeOf, publishEnvelope } from '../test-support.ts';

const { platform, api } = usePlatform({
  replicas: { workout: 1, analytics: 1 },
  env: { identity: adminEnv },
});

describe('a member’s live feed', () => {
  it('receives the points and achievements a logged set earns, with the new total', async () => {
    const member = await registerMember(api);
    const live = connectLive(platform.gatewayUrl, member.accessToken);
    await live.next((m) => m.type === 'ready');

    const logged = await api.post(
      '/v1/workouts/logs',
      { exerciseId: 'bench-press', weightKg: 60, reps: 5 },
      member.accessToken,
    );
    expect(logged.status).toBe(201);
    const points = await live.next((m) => m.type === 'points.awarded' && dataOf(m).ruleId === 'workout-day');
    expect(points.data).toMatchObject({
      userId: member.user.id,
      points: 10,
      sourceEventId: expect.any(String),
    });
    expect(dataOf(points).total).toBeGreaterThanOrEqual(10);
    const unlocked = await live.next((m) => m.type === 'achievement.unlocked');
    expect(unlocked.data).toMatchObject({ code: 'first-workout', name: 'First workout' });
    live.close();
  });

  it('is not flooded with old awards after a backlog: only news is pushed', async () => {
    const member = await registerMember(api);
    const live = connectLive(platform.gatewayUrl, member.accessToken);
    await live.next((m) => m.type === 'ready');
    const award = (reason: string) =>
      envelopeOf(analyticsEvents.pointsAwarded, {
        userId: member.user.id,
        awardId: randomUUID(),
        ruleId: 'set-logged',
        ruleVersion: 1,
        points: 1,
        reason,
        sourceEventId: randomUUID(),
        branchId: null,
        at: new Date().toISOString(),
      });
    const old = { ...award('an hour old'), time: new Date(Date.now() - 3_600_000).toISOString() };
    await publishEnvelope(platform, old);
    await publishEnvelope(platform, award('just now'));
    const pushed = await live.next((m) => m.type === 'points.awarded');
    expect(dataOf(pushed).reason).toBe('just now');
    expect(live.received.some((m) => dataOf(m).reason === 'an hour old')).toBe(false);
    live.close();
  });
});
