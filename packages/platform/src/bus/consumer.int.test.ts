import {
  AckPolicy,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, headers as natsHeaders, nanos, type NatsConnection } from '@nats-io/transport-node';
import { context, trace } from '@opentelemetry/api';
import { defineEvent, type ConsumerDefinition, type EventEnvelope } from '@nxg/contracts';
import Type from 'typebox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { startTelemetry } from '../telemetry.ts';
import { signedAs, silentLogger, testBackends, testServiceKey, uniqueSuffix } from '../test-support.ts';
import { BusIdentity } from './bus-identity.ts';
import { PermanentFailure, runConsumer, type ConsumerRunner } from './consumer.ts';
import { signEvent } from './event-signature.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
};

const sfx = uniqueSuffix();
const prefix = `consumertest${sfx}`;
const streamName = `CONSUMERTEST_${sfx}`;
const pointsAwarded = defineEvent({
  type: `${prefix}.points.awarded`,
  stream: streamName,
  dataVersion: 1,
  description: 'Points were awarded (test event)',
  data: Type.Object({ userId: Type.String(), points: Type.Integer({ minimum: 1 }) }),
});

type Envelope = EventEnvelope<{ userId: string; points: number }>;
const envelope = (data: unknown, type = pointsAwarded.type) => ({
  id: `evt-${uniqueSuffix()}`,
  type,
  source: 'consumer-test',
  time: new Date().toISOString(),
  subject: 'user-1',
  dataVersion: 1,
  data,
});

describe('runConsumer on a durable JetStream consumer', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  /** Publishes as the outbox relay of `consumer-test` (the envelopes' source) would: signed. */
  let js: Pick<JetStreamClient, 'publish'>;
  let unsigned: JetStreamClient;
  let caseNo = 0;
  const runners: ConsumerRunner[] = [];

  /** A durable consumer of its own on a subject of its own, as provisioning would create it. */
  const newConsumer = async (): Promise<ConsumerDefinition & { subject: string }> => {
    caseNo += 1;
    const subject = `${prefix}.case${caseNo}`;
    const definition = {
      stream: streamName,
      durable: `consumertest_case${caseNo}`,
      filterSubject: subject,
      ackWaitS: 2,
      maxDeliver: 5,
      deliverPolicy: 'all' as const,
    };
    await jsm.consumers.add(streamName, {
      durable_name: definition.durable,
      filter_subject: subject,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(definition.ackWaitS * 1000),
      max_deliver: definition.maxDeliver,
    });
    return { ...definition, subject };
  };
  const info = (definition: ConsumerDefinition) => jsm.consumers.info(streamName, definition.durable);
  /** Settled: delivered, nothing waiting for an ack, nothing left to deliver. */
  const settled = async (definition: ConsumerDefinition, messages: number) => {
    const i = await info(definition);
    return i.ack_floor.consumer_seq >= messages && i.num_ack_pending === 0 && i.num_pending === 0;
  };
  /** The consumer's terminated-message advisories, as an operator's monitoring sees them: stream seq → deliveries. */
  const watchTerminations = async (definition: ConsumerDefinition) => {
    const terminated: { seq: number; deliveries: number }[] = [];
    nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.${streamName}.${definition.durable}`, {
      callback: (_error, msg) => {
        const advisory = msg.json<{ stream_seq: number; deliveries: number }>();
        terminated.push({ seq: advisory.stream_seq, deliveries: advisory.deliveries });
      },
    });
    await nc.flush();
    return terminated;
  };
  const seqOf = async (subject: string, payload: string) => (await js.publish(subject, payload)).seq;
  const start = async (
    definition: ConsumerDefinition,
    handle: (event: Envelope, deliveryCount: number) => Promise<void>,
  ) => {
    const runner = await runConsumer(nc, {
      consumer: definition,
      event: pointsAwarded,
      logger: silentLogger,
      retryDelayMs: 100,
      handle: (event, msg) => handle(event as Envelope, msg.info.deliveryCount),
    });
    runners.push(runner);
    return runner;
  };

  /** In batches of at most 16, a single event (a failed batch's retry) as a batch of one. */
  const startBatched = async (
    definition: ConsumerDefinition,
    handleBatch: (events: Envelope[]) => Promise<void>,
  ) => {
    const runner = await runConsumer(nc, {
      consumer: definition,
      event: pointsAwarded,
      logger: silentLogger,
      handle: (event) => handleBatch([event as Envelope]),
      batch: { max: 16, handle: (events) => handleBatch(events as Envelope[]) },
    });
    runners.push(runner);
  };

  beforeAll(async () => {
    startTelemetry('consumer-test', {});
    nc = signedAs(await connect({ servers: testBackends.natsUrl }), 'consumer-test');
    jsm = await jetstreamManager(nc);
    unsigned = jetstream(nc);
    const source = new BusIdentity(testServiceKey, 'consumer-test');
    js = {
      publish: (subject, payload, options) => {
        const bytes =
          typeof payload === 'string' ? new TextEncoder().encode(payload) : (payload ?? new Uint8Array());
        return unsigned.publish(subject, bytes, {
          ...options,
          headers: signEvent(source, subject, bytes, options?.headers),
        });
      },
    };
    await jsm.streams.add({ name: streamName, subjects: [`${prefix}.>`] });
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });

  afterAll(async () => {
    await jsm?.streams.delete(streamName).catch(() => false);
    await nc?.drain();
  });

  it('hands a valid event to the handler and acks it', async () => {
    const consumer = await newConsumer();
    const handled: Envelope[] = [];
    await start(consumer, async (event) => {
      handled.push(event);
    });
    const sent = envelope({ userId: 'user-1', points: 10 });
    await js.publish(consumer.subject, JSON.stringify(sent), { msgID: sent.id });
    await until('the ack', () => settled(consumer, 1));
    expect(handled).toEqual([sent]);
    expect((await info(consumer)).num_redelivered).toBe(0);
  });

  it('terminates a message that is not JSON without calling the handler', async () => {
    const consumer = await newConsumer();
    const terminations = await watchTerminations(consumer);
    let calls = 0;
    await start(consumer, async () => {
      calls += 1;
    });
    const seq = await seqOf(consumer.subject, 'points: ten');
    await until('the termination', () => terminations.length === 1);
    await until('the consumer to settle', () => settled(consumer, 1));
    expect(terminations).toEqual([{ seq, deliveries: 1 }]);
    expect(calls).toBe(0);
  });

  it('drops, unhandled, an event not signed by the service its source names', async () => {
    const consumer = await newConsumer();
    const terminations = await watchTerminations(consumer);
    const handled: Envelope[] = [];
    await start(consumer, async (event) => {
      handled.push(event);
    });
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    // Published by a NATS client without the key.
    await unsigned.publish(consumer.subject, JSON.stringify(envelope({ userId: 'forged', points: 100 })));
    // Signed by a real service, but not the one the envelope says it comes from.
    const intruder = new BusIdentity(testServiceKey, 'workout');
    const claimed = encode(envelope({ userId: 'claimed', points: 100 }));
    await unsigned.publish(consumer.subject, claimed, {
      headers: signEvent(intruder, consumer.subject, claimed),
    });
    // Signed by the source, then changed.
    const source = new BusIdentity(testServiceKey, 'consumer-test');
    const original = encode(envelope({ userId: 'user-1', points: 1 }));
    await unsigned.publish(consumer.subject, encode(envelope({ userId: 'user-1', points: 1000 })), {
      headers: signEvent(source, consumer.subject, original),
    });
    // And one genuine event after them.
    await js.publish(consumer.subject, JSON.stringify(envelope({ userId: 'user-1', points: 2 })));
    await until('the consumer to settle', () => settled(consumer, 4));
    expect(handled.map((e) => e.data)).toEqual([{ userId: 'user-1', points: 2 }]);
    expect(terminations).toEqual([]);
  });

  it('terminates an event that fails its schema or is of another type, without calling the handler', async () => {
    const consumer = await newConsumer();
    const terminations = await watchTerminations(consumer);
    let calls = 0;
    await start(consumer, async () => {
      calls += 1;
    });
    const seqs = [
      await seqOf(consumer.subject, JSON.stringify(envelope({ userId: 'user-1', points: 'ten' }))),
      await seqOf(
        consumer.subject,
        JSON.stringify(envelope({ userId: 'user-1', points: 10 }, `${prefix}.other.type`)),
      ),
      await seqOf(consumer.subject, JSON.stringify(null)),
    ];
    await until('three terminations', () => terminations.length === 3);
    await until('the consumer to settle', () => settled(consumer, 3));
    expect(terminations).toEqual(seqs.map((seq) => ({ seq, deliveries: 1 })));
    expect(calls).toBe(0);
  });

  it('offers a message that failed for now again, and acks it once it is handled', async () => {
    const consumer = await newConsumer();
    const attempts: number[] = [];
    await start(consumer, async (_event, deliveryCount) => {
      attempts.push(deliveryCount);
      if (attempts.length < 3) throw new Error('database is restarting');
    });
    await js.publish(consumer.subject, JSON.stringify(envelope({ userId: 'user-1', points: 5 })));
    await until('the ack after retries', () => settled(consumer, 1));
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('terminates a message whose handler reports a permanent failure, and does not retry it', async () => {
    const consumer = await newConsumer();
    const terminations = await watchTerminations(consumer);
    let calls = 0;
    await start(consumer, async () => {
      calls += 1;
      throw new PermanentFailure('user-1 does not exist here');
    });
    const seq = await seqOf(consumer.subject, JSON.stringify(envelope({ userId: 'user-1', points: 5 })));
    await until('the termination', () => terminations.length === 1);
    await sleep(300); // three retry delays: a nak would have brought it back by now
    expect(terminations).toEqual([{ seq, deliveries: 1 }]);
    expect(calls).toBe(1);
    expect(await settled(consumer, 1)).toBe(true);
  });

  it('treats a 4xx AppError from the handler as permanent and a 5xx one as transient', async () => {
    const consumer = await newConsumer();
    const terminations = await watchTerminations(consumer);
    const calls: number[] = [];
    await start(consumer, async (event, deliveryCount) => {
      calls.push(event.data.points);
      if (event.data.points === 1) throw new AppError(404, 'NOT_FOUND', 'no such user');
      if (deliveryCount === 1) throw new AppError(503, 'SERVICE_UNAVAILABLE', 'try later');
    });
    const seq = await seqOf(consumer.subject, JSON.stringify(envelope({ userId: 'user-1', points: 1 })));
    await js.publish(consumer.subject, JSON.stringify(envelope({ userId: 'user-1', points: 2 })));
    await until('both settled', () => settled(consumer, 2));
    expect(terminations).toEqual([{ seq, deliveries: 1 }]);
    expect(calls.sort()).toEqual([1, 2, 2]);
  });

  it("runs the handler in the publisher's trace", async () => {
    const consumer = await newConsumer();
    const traceIds: (string | undefined)[] = [];
    await start(consumer, async () => {
      traceIds.push(trace.getSpanContext(context.active())?.traceId);
    });
    const h = natsHeaders();
    h.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    await js.publish(consumer.subject, JSON.stringify(envelope({ userId: 'user-1', points: 3 })), {
      headers: h,
    });
    await until('the ack', () => settled(consumer, 1));
    expect(traceIds).toEqual(['0af7651916cd43dd8448eb211c80319c']);
  });

  it('takes no more messages once stopped, leaving them for the next run', async () => {
    const consumer = await newConsumer();
    const handled: number[] = [];
    const handle = async (event: Envelope) => {
      handled.push(event.data.points);
    };
    const runner = await start(consumer, handle);
    await js.publish(consumer.subject, JSON.stringify(envelope({ userId: 'user-1', points: 1 })));
    await until('the first ack', () => settled(consumer, 1));
    await runner.stop();

    await js.publish(consumer.subject, JSON.stringify(envelope({ userId: 'user-1', points: 2 })));
    await sleep(200);
    expect(handled).toEqual([1]);
    expect((await info(consumer)).num_pending).toBe(1);

    await start(consumer, handle);
    await until('the second ack', () => settled(consumer, 2));
    expect(handled).toEqual([1, 2]);
  });

  it('with concurrency, handles keys side by side and each key’s events in stream order', async () => {
    const consumer = await newConsumer();
    for (let i = 1; i <= 12; i++) {
      await js.publish(
        consumer.subject,
        JSON.stringify({ ...envelope({ userId: `user-${i % 3}`, points: i }) }),
      );
    }
    const seen: Record<string, number[]> = {};
    let running = 0;
    let most = 0;
    const runner = await runConsumer(nc, {
      consumer,
      event: pointsAwarded,
      logger: silentLogger,
      concurrency: { max: 4, keyOf: (e) => (e.data as { userId: string }).userId },
      handle: async (event) => {
        const { userId, points } = (event as Envelope).data;
        running += 1;
        most = Math.max(most, running);
        // Later events of a key finish sooner: order would break if a key's events overlapped.
        await sleep(60 - points * 4);
        (seen[userId] ??= []).push(points);
        running -= 1;
      },
    });
    runners.push(runner);
    await until('every event acked', () => settled(consumer, 12));
    expect(seen).toEqual({ 'user-1': [1, 4, 7, 10], 'user-2': [2, 5, 8, 11], 'user-0': [3, 6, 9, 12] });
    expect(most).toBeGreaterThan(1);
  });

  it('with batches, hands what arrived meanwhile together in stream order, never more than the most', async () => {
    const consumer = await newConsumer();
    for (let i = 1; i <= 40; i++) {
      await js.publish(consumer.subject, JSON.stringify(envelope({ userId: `user-${i % 3}`, points: i })));
    }
    const batches: number[][] = [];
    const handleBatch = async (events: Envelope[]) => {
      batches.push(events.map((e) => e.data.points));
      await sleep(20);
    };
    await startBatched(consumer, handleBatch);
    await until('every event acked', () => settled(consumer, 40));
    expect(batches.flat()).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(Math.max(...batches.map((b) => b.length))).toBe(16);
    expect(batches.length).toBeLessThan(10);
  });

  it('retries a failed batch event by event: the bad one is terminated, the others handled once', async () => {
    const consumer = await newConsumer();
    const terminated = await watchTerminations(consumer);
    const seqs: number[] = [];
    for (let i = 1; i <= 6; i++) {
      seqs.push(await seqOf(consumer.subject, JSON.stringify(envelope({ userId: 'user-1', points: i }))));
    }
    const handled: number[] = [];
    const handleBatch = async (events: Envelope[]) => {
      // Like a transaction: a batch holding the bad event applies none of it.
      if (events.some((e) => e.data.points === 4))
        throw new PermanentFailure('points 4 can never be applied');
      handled.push(...events.map((e) => e.data.points));
    };
    await startBatched(consumer, handleBatch);
    await until('every event settled', () => settled(consumer, 6));
    await until('the termination advisory', () => terminated.length === 1);
    expect(handled.toSorted((a, b) => a - b)).toEqual([1, 2, 3, 5, 6]);
    expect(terminated).toEqual([{ seq: seqs[3], deliveries: 1 }]);
  });
});
