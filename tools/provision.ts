/**
 * Creates or updates every JetStream stream, durable consumer and KV bucket declared in
 * @nxg/contracts. The deploy step and the launcher run it; services never race to do it.
 *   NATS_URL=nats://... pnpm provision
 */
import { connect } from '@nats-io/transport-node';
import { buckets, consumers, streams } from '@nxg/contracts';
import { provisionMessaging } from '@nxg/platform';

const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const nc = await connect({ servers: url.split(','), name: 'provision' });
await provisionMessaging(nc, { streams, consumers, buckets });
console.log(`provisioned on ${url}: ${streams.length} streams, ${consumers.length} consumers, ${buckets.length} buckets`);
await nc.drain();
