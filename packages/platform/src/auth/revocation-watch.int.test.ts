import { Kvm, type KV } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { revocationBucket } from '@nxg/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inNamespace, namespace } from '../bus/namespace.ts';
import { provisionMessaging } from '../bus/streams.ts';
import { signedAs, silentLogger, testBackends, testServiceKey, uniqueSuffix } from '../test-support.ts';
import { BusIdentity } from '../bus/bus-identity.ts';
import { signedRevocation } from './revocation-signature.ts';
import { RevocationWatch } from './revocation-watch.ts';

const until = async (what: string, check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the revocation watch', () => {
  const ns = namespace(`rv${uniqueSuffix()}`);
  let raw: NatsConnection;
  let kv: KV;
  const watch = new RevocationWatch();
  const identityNc = () => signedAs(raw, 'identity');

  beforeAll(async () => {
    raw = inNamespace(await connect({ servers: testBackends.natsUrl }), ns);
    await provisionMessaging(raw, { streams: [], consumers: [], buckets: [revocationBucket] });
    kv = await new Kvm(raw).open(ns.bucket(revocationBucket.bucket));
    await watch.start(signedAs(raw, 'gateway'), silentLogger);
  });
  afterAll(async () => {
    watch.stop();
    const jsm = await jetstreamManager(raw);
    await jsm.streams.delete(`KV_${ns.bucket(revocationBucket.bucket)}`).catch(() => false);
    await raw?.drain();
  });

  it('takes what identity signed, and no one can lift it', async () => {
    await kv.put('sid.s1', signedRevocation(identityNc(), 'sid.s1', { at: Date.now() }));
    await until('the revocation', () => watch.isRevoked('t0', 's1'));
    await kv.delete('sid.s1');
    await kv.purge('sid.s1');
    // A later entry shows the watch has read past the delete and purge.
    await kv.put('sid.s2', signedRevocation(identityNc(), 'sid.s2', { at: Date.now() }));
    await until('the later revocation', () => watch.isRevoked('t0', 's2'));
    expect(watch.isRevoked('t0', 's1')).toBe(true);
  });

  it('ignores entries identity did not sign: unsigned, signed by another service, or copied to another key', async () => {
    const version = watch.version;
    await kv.put('sid.forged', JSON.stringify({ at: Date.now() }));
    const workout = new BusIdentity(testServiceKey, 'workout');
    await kv.put(
      'sid.byworkout',
      JSON.stringify({ sig: workout.sign('rev\nsid.byworkout\n', new Uint8Array(0)) }),
    );
    await kv.put('sid.copied', signedRevocation(identityNc(), 'sid.original', { at: Date.now() }));
    await kv.put('sid.s3', signedRevocation(identityNc(), 'sid.s3', { at: Date.now() }));
    await until('the genuine revocation', () => watch.isRevoked('t0', 's3'));
    for (const session of ['forged', 'byworkout', 'copied'])
      expect(watch.isRevoked('t0', session), session).toBe(false);
    // Only the revocation taken moves the version (what tells the hub to check its sockets again).
    expect(watch.version).toBe(version + 1);
  });
});
