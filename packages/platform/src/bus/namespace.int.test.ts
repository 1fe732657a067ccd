import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { messaging, streams } from '@nxg/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueSuffix } from '../test-support.ts';
import { inNamespace, namespace, namespaceOf } from './namespace.ts';
import { limitsFromEnv, provisionMessaging } from './streams.ts';

/** Two platforms on one NATS server, each in a namespace of its own, as parallel test files are. */
describe('NATS namespaces', () => {
  let root: NatsConnection;
  let jsm: JetStreamManager;
  const a = namespace(`nsa${uniqueSuffix()}`);
  const b = namespace(`nsb${uniqueSuffix()}`);

  beforeAll(async () => {
    root = await connect({ servers: testBackends.natsUrl });
    jsm = await jetstreamManager(root);
  });
  afterAll(async () => {
    for await (const name of jsm.streams.names()) {
      if ([a, b].some((ns) => name.includes(ns.prefix))) await jsm.streams.delete(name).catch(() => false);
    }
    await root?.drain();
  });

  it('keeps requests, replies and subscriptions inside their namespace', async () => {
    const inA = inNamespace(root, a);
    const inB = inNamespace(root, b);
    inA.subscribe('svc.demo.echo', { callback: (_e, msg) => void msg.respond(`a:${msg.string()}`) });
    inB.subscribe('svc.demo.echo', { callback: (_e, msg) => void msg.respond(`b:${msg.string()}`) });
    await root.flush();
    expect((await inA.request('svc.demo.echo', 'hi')).string()).toBe('a:hi');
    expect((await inB.request('svc.demo.echo', 'hi')).string()).toBe('b:hi');
    // Nobody answers at the root: nothing leaks out of a namespace.
    await expect(root.request('svc.demo.echo', 'hi', { timeout: 300 })).rejects.toThrow();
    expect(namespaceOf(inA)).toBe(a);
    expect(namespaceOf(root).prefix).toBe('');
  });

  it('provisions streams, consumers and buckets under the prefix, and JetStream publishes land there', async () => {
    const inA = inNamespace(root, a);
    await provisionMessaging(inA, messaging);
    const identityStream = await jsm.streams.info(a.stream('IDENTITY'));
    expect(identityStream.config.subjects).toEqual([`${a.prefix}.identity.>`]);
    const consumer = await jsm.consumers.info(a.stream('MACHINES'), 'workout_set_completed');
    expect(consumer.config.filter_subject).toBe(`${a.prefix}.machines.*.*.set_completed`);
    await jsm.streams.info(`KV_${a.bucket('auth_revocations')}`);

    const ack = await jetstream(inA).publish('identity.user.registered', '{}');
    expect(ack.stream).toBe(a.stream('IDENTITY'));
    await expect(jsm.streams.info(b.stream('IDENTITY'))).rejects.toThrow();
  });

  it('bounds telemetry by age and bytes, as the deployment sets them', async () => {
    const inB = inNamespace(root, b);
    await provisionMessaging(inB, messaging, {
      limits: limitsFromEnv({ TELEMETRY_MAX_AGE_H: '6', TELEMETRY_MAX_BYTES: String(2 ** 20) }),
    });
    const { config } = await jsm.streams.info(b.stream('TELEMETRY'));
    expect(config.subjects).toEqual([`${b.prefix}.telemetry.>`]);
    expect(config.max_age).toBe(6 * 3600 * 1e9);
    expect(config.max_bytes).toBe(2 ** 20);
    // Without a setting, contracts decide: a day and 10 GiB; the other streams keep no byte limit.
    await provisionMessaging(inB, messaging);
    const declared = streams.find((s) => s.name === 'TELEMETRY')!;
    expect((await jsm.streams.info(b.stream('TELEMETRY'))).config.max_bytes).toBe(declared.maxBytes);
    expect((await jsm.streams.info(b.stream('MACHINES'))).config.max_bytes).toBe(-1);
    expect(() => limitsFromEnv({ TELEMETRY_MAX_BYTES: 'lots' })).toThrow(/TELEMETRY_MAX_BYTES/);
  });

  it('purges what older versions stored where it does not belong, and keeps the rest', async () => {
    const inB = inNamespace(root, b);
    await provisionMessaging(inB, messaging);
    const js = jetstream(inB);
    await js.publish('identity.cache.users.invalidate', 'user-1'); // how old identity replicas talked
    await js.publish('machines.b1.m1.telemetry', '{}'); // where old hubs put telemetry
    await js.publish('identity.user.registered', '{}');
    await js.publish('machines.b1.m1.status', '{}');
    const count = async (stream: string, subject: string) =>
      (await jsm.streams.info(b.stream(stream), { subjects_filter: b.subject(subject) })).state.subjects?.[
        b.subject(subject)
      ] ?? 0;
    expect(await count('IDENTITY', 'identity.cache.users.invalidate')).toBe(1);
    await provisionMessaging(inB, messaging);
    expect(await count('IDENTITY', 'identity.cache.users.invalidate')).toBe(0);
    expect(await count('MACHINES', 'machines.b1.m1.telemetry')).toBe(0);
    expect(await count('IDENTITY', 'identity.user.registered')).toBeGreaterThanOrEqual(1);
    expect(await count('MACHINES', 'machines.b1.m1.status')).toBe(1);
  });

  it('starts a consumer that replaces others where the furthest behind of them was, and deletes them', async () => {
    const inB = inNamespace(root, b);
    const js = jetstream(inB);
    const on = (durable: string, replaces?: string[]) => ({
      stream: 'WORKOUT',
      durable,
      filterSubject: 'workout.exercise.logged',
      ackWaitS: 30,
      maxDeliver: 5,
      deliverPolicy: 'all' as const,
      ...(replaces ? { replaces } : {}),
    });
    const declared = (...consumers: ReturnType<typeof on>[]) => ({ ...messaging, consumers });
    await provisionMessaging(inB, declared(on('sets_old'), on('points_old')));
    const first = (await js.publish('workout.exercise.logged', '1')).seq;
    for (const n of [2, 3, 4]) await js.publish('workout.exercise.logged', String(n));
    const acknowledge = async (durable: string, count: number) => {
      const consumer = await js.consumers.get(b.stream('WORKOUT'), durable);
      for (let i = 0; i < count; i++) await (await consumer.next({ expires: 2000 }))!.ackAck();
    };
    await acknowledge('sets_old', 3);
    await acknowledge('points_old', 1); // the furthest behind: messages 2 to 4 are still owed

    await provisionMessaging(inB, declared(on('sets_and_points', ['sets_old', 'points_old'])));
    const taken = await js.consumers.get(b.stream('WORKOUT'), 'sets_and_points');
    expect((await taken.next({ expires: 2000 }))!.string()).toBe('2');
    expect((await taken.info()).config.opt_start_seq).toBe(first + 1);
    const names: string[] = [];
    for await (const c of jsm.consumers.list(b.stream('WORKOUT'))) names.push(c.name);
    expect(names).toContain('sets_and_points');
    expect(names).not.toContain('sets_old');
    expect(names).not.toContain('points_old');
    // Provisioning again changes nothing: the replaced are gone, the new one keeps its place.
    await provisionMessaging(inB, declared(on('sets_and_points', ['sets_old', 'points_old'])));
    expect((await taken.info()).config.opt_start_seq).toBe(first + 1);
  });
});
