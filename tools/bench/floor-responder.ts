/**
 * The transport floor's responder: a plain NATS subscriber that answers every request at once
 * with a fixed reply. Run by gateway-bench.ts as its own process; prints `READY`.
 *   BENCH_SUBJECT  subject to serve (required)
 *   BENCH_REPLY    reply bytes (default `{"ok":true,"data":{"hello":"world"}}`)
 *   BENCH_QUEUE    queue group (default none); the decomposition uses `identity` to stand in for it
 *   SERVICE_KEY    when set, each reply is signed as BENCH_SIGN_AS (the service it stands in for)
 *                  for BENCH_SIGN_SUBJECT (the operation's subject outside the namespace), as the
 *                  caller only takes a reply signed by the operation's service
 */
import { connect } from '@nats-io/transport-node';
import { BusIdentity, parseServiceKey, signReply } from '@nxg/platform';

const subject = process.env.BENCH_SUBJECT;
if (!subject) throw new Error('BENCH_SUBJECT is required');

const nc = await connect({
  servers: (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(','),
  name: 'bench-floor-responder',
});
const reply = new TextEncoder().encode(
  process.env.BENCH_REPLY || JSON.stringify({ ok: true, data: { hello: 'world' } }),
);
const serviceKey = parseServiceKey(process.env.SERVICE_KEY);
const signer = serviceKey ? new BusIdentity(serviceKey, process.env.BENCH_SIGN_AS ?? 'floor') : undefined;
const signedSubject = process.env.BENCH_SIGN_SUBJECT ?? subject;
nc.subscribe(subject, {
  ...(process.env.BENCH_QUEUE ? { queue: process.env.BENCH_QUEUE } : {}),
  callback: (error, msg) => {
    if (error) return;
    if (signer) msg.respond(reply, { headers: signReply(signer, signedSubject, msg, reply) });
    else msg.respond(reply);
  },
});
await nc.flush();
console.log('READY');

process.once('SIGTERM', () => void nc.drain().then(() => process.exit(0)));
