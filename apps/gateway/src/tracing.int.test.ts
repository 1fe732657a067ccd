import { randomBytes } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { recordTraces, registerMember, usePlatform, waitFor, type TraceRecorder } from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Before the platform starts, so every service built in this process records into it.
let recorder: TraceRecorder;
beforeAll(() => {
  recorder = recordTraces();
});
afterAll(() => recorder.stop());

const { api } = usePlatform({ replicas: { identity: 1, workout: 1, analytics: 1, gateway: 1 } });

describe('one trace per request, across services', () => {
  it('follows a logged set from the HTTP request through NATS, SQL and the outbox to the consumers', async () => {
    const member = await registerMember(api);
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const logged = await api.send('POST', '/v1/workouts/logs', {
      body: { exerciseId: 'bench-press', reps: 8, weightKg: 60 },
      token: member.accessToken,
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    expect(logged.status).toBe(201);

    const inTrace = () => recorder.spans().filter((s) => s.spanContext().traceId === traceId);
    // Analytics' consumers of the set's event (its own events, published in turn, have theirs).
    const consumerSpans = () =>
      inTrace().filter((s) => s.kind === SpanKind.CONSUMER && s.name.endsWith(' workout.exercise.logged'));
    // The analytics consumers of workout.exercise.logged run after the relay has published.
    await waitFor(async () => consumerSpans().length >= 1);

    const spans = inTrace();
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: (typeof spans)[number]) => byId.get(s.parentSpanContext?.spanId ?? '');
    const one = (what: string, match: (s: (typeof spans)[number]) => boolean) => {
      const found = spans.filter(match);
      expect(found.length, `${what}: ${spans.map((s) => s.name).join(', ')}`).toBeGreaterThanOrEqual(1);
      return found[0]!;
    };

    const route = one(
      'the gateway route',
      (s) => s.kind === SpanKind.SERVER && s.name === 'POST /v1/workouts/logs',
    );
    expect(route.parentSpanContext?.spanId).toBe(callerSpanId); // continues the caller's trace
    const call = one(
      'the NATS request',
      (s) => s.kind === SpanKind.CLIENT && s.name === 'svc.workout.logs.create',
    );
    expect(parentOf(call)).toBe(route);
    const handled = one(
      'workout answering',
      (s) => s.kind === SpanKind.SERVER && s.name === 'svc.workout.logs.create',
    );
    expect(parentOf(handled)).toBe(call);
    const sql = spans.filter((s) => s.attributes['db.system.name'] === 'postgresql');
    expect(sql.length).toBeGreaterThanOrEqual(1);
    expect(sql.some((s) => String(s.attributes['db.query.text']).includes('workout_logs'))).toBe(true);
    const publish = one(
      'the outbox publish',
      (s) => s.kind === SpanKind.PRODUCER && s.name === 'publish workout.exercise.logged',
    );
    for (const consumed of consumerSpans()) expect(parentOf(consumed)).toBe(publish);
    // No parameter (a member's figures) goes into a span.
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(member.user.id);
  });
});
