/**
 * Creates or updates every JetStream stream, durable consumer and KV bucket declared in
 * @nxg/contracts. The deploy step and the launcher run it; services never race to do it.
 *   NATS_URL=nats://... NATS_STREAM_REPLICAS=3 pnpm provision
 */
import { connect } from '@nats-io/transport-node';
import { buckets, consumers, streams } from '@nxg/contracts';
import { provisionMessaging } from '@nxg/platform';

const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const nc = await connect({ servers: url.split(','), name: 'provision' });
const replicas = Number(process.env.NATS_STREAM_REPLICAS ?? 1);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
  console.error('NATS_STREAM_REPLICAS must be a whole number from 1 to 5');
  process.exit(1);
}
await provisionMessaging(nc, { streams, consumers, buckets }, { replicas });
console.log(
  `provisioned on ${url}: ${streams.length} streams, ${consumers.length} consumers, ${buckets.length} buckets, ${replicas} replica(s)`,
);
await nc.drain();
