/**
 * Creates or updates every JetStream stream, durable consumer and KV bucket declared in
 * @nxg/contracts, purges what older versions left where it does not belong and deletes the
 * durables a declared consumer replaces (once it has taken over where they were). The deploy step
 * and the launcher run it; services never race to do it.
 *   NATS_URL=nats://... NATS_STREAM_REPLICAS=3 TELEMETRY_MAX_AGE_H=24 TELEMETRY_MAX_BYTES=10737418240 pnpm provision
 */
import { messaging } from '@nxg/contracts';
import { provisionWithRetry } from './launcher/provision-step.ts';

const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const replicas = Number(process.env.NATS_STREAM_REPLICAS ?? 1);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
  console.error('NATS_STREAM_REPLICAS must be a whole number from 1 to 5');
  process.exit(1);
}
await provisionWithRetry(url, process.env, { replicas, say: (line) => console.log(line) });
const { streams, consumers, buckets } = messaging;
console.log(
  `provisioned on ${url}: ${streams.length} streams, ${consumers.length} consumers, ${buckets.length} buckets, ${replicas} replica(s)`,
);
