/**
 * The transport floor's responder: a plain NATS subscriber that answers every request at once
 * with a fixed reply. Run by gateway-bench.ts as its own process; prints `READY`.
 *   BENCH_SUBJECT  subject to serve (required)
 *   BENCH_REPLY    reply bytes (default `{"ok":true,"data":{"hello":"world"}}`)
 *   BENCH_QUEUE    queue group (default none); the decomposition uses `identity` to stand in for it
 */
import { connect } from '@nats-io/transport-node';

const subject = process.env.BENCH_SUBJECT;
if (!subject) throw new Error('BENCH_SUBJECT is required');

const nc = await connect({
  servers: (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(','),
  name: 'bench-floor-responder',
});
const reply = new TextEncoder().encode(
  process.env.BENCH_REPLY || JSON.stringify({ ok: true, data: { hello: 'world' } }),
);
nc.subscribe(subject, {
  ...(process.env.BENCH_QUEUE ? { queue: process.env.BENCH_QUEUE } : {}),
  callback: (error, msg) => {
    if (!error) msg.respond(reply);
  },
});
await nc.flush();
console.log('READY');

process.once('SIGTERM', () => void nc.drain().then(() => process.exit(0)));
