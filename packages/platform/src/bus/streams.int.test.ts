import { jetstreamManager, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { BucketDefinition, ConsumerDefinition, StreamDefinition } from '@nxg/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueSuffix } from '../test-support.ts';
import { provisionMessaging } from './streams.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const sfx = uniqueSuffix();

const stream: StreamDefinition = {
  name: `PROVTEST_${sfx}`,
  subjects: [`provtest${sfx}.>`],
  owner: 'provision-test',
  maxAgeDays: 1,
  duplicateWindowS: 60,
};
const consumer: ConsumerDefinition = {
  stream: stream.name,
  durable: `provtest_${sfx}_handler`,
  filterSubject: `provtest${sfx}.thing.happened`,
  ackWaitS: 10,
  maxDeliver: 5,
  deliverPolicy: 'all',
};
const bucket: BucketDefinition = {
  bucket: `provtest_${sfx}`,
  owner: 'provision-test',
  ttlS: 60,
  description: 'test bucket',
};

describe('provisionMessaging', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nc = await connect({ servers: testBackends.natsUrl });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await jsm?.streams.delete(stream.name).catch(() => false);
    await jsm?.streams.delete(`KV_${bucket.bucket}`).catch(() => false);
    await nc?.drain();
  });

  it('creates the declared stream, durable consumer and bucket when they do not exist', async () => {
    await expect(jsm.streams.info(stream.name)).rejects.toThrow();
    await provisionMessaging(nc, { streams: [stream], consumers: [consumer], buckets: [bucket] });

    const { config } = await jsm.streams.info(stream.name);
    expect(config).toMatchObject({
      subjects: stream.subjects,
      storage: StorageType.File,
      max_age: nanos(DAY_MS),
      duplicate_window: nanos(60_000),
      description: 'owned by provision-test',
    });
    const durable = await jsm.consumers.info(stream.name, consumer.durable);
    expect(durable.config).toMatchObject({
      durable_name: consumer.durable,
      filter_subject: consumer.filterSubject,
      ack_wait: nanos(10_000),
      max_deliver: 5,
    });

    const kv = await new Kvm(nc).open(bucket.bucket);
    await kv.put('jti.abc', 'revoked');
    expect((await kv.get('jti.abc'))?.string()).toBe('revoked');
    expect((await jsm.streams.info(`KV_${bucket.bucket}`)).config.max_age).toBe(nanos(60_000));
  });

  it('updates what exists to a changed declaration instead of failing, keeping the data', async () => {
    await provisionMessaging(nc, { streams: [stream], consumers: [consumer], buckets: [bucket] });
    const changed = {
      streams: [
        {
          ...stream,
          subjects: [...stream.subjects, `provtest${sfx}x.>`],
          maxAgeDays: 2,
          duplicateWindowS: 30,
        },
      ],
      consumers: [{ ...consumer, ackWaitS: 20, maxDeliver: 7 }],
      buckets: [{ ...bucket, ttlS: 120, description: 'test bucket, longer' }],
    };
    await provisionMessaging(nc, changed);

    const { config } = await jsm.streams.info(stream.name);
    expect(config.subjects).toEqual(changed.streams[0]!.subjects);
    expect(config.max_age).toBe(nanos(2 * DAY_MS));
    expect(config.duplicate_window).toBe(nanos(30_000));
    const durable = await jsm.consumers.info(stream.name, consumer.durable);
    expect(durable.config).toMatchObject({ ack_wait: nanos(20_000), max_deliver: 7 });
    expect((await jsm.streams.info(`KV_${bucket.bucket}`)).config.max_age).toBe(nanos(120_000));
    const kv = await new Kvm(nc).open(bucket.bucket);
    expect((await kv.get('jti.abc'))?.string()).toBe('revoked');
  });
});
