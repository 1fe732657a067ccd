/**
 * The transport floor: a bare Fastify route that makes one NATS request (a small JSON envelope,
 * like the gateway's) to floor-responder.ts and returns the reply's data. Nothing else: no auth,
 * no validation, no rate limit, no plugins. Run by gateway-bench.ts as its own process; prints `READY <port>`.
 *   BENCH_SUBJECT  subject to request (required)
 *   BENCH_REQUEST  a fixed request envelope to send instead (the decomposition sends identity a real one)
 *   SERVICE_KEY    when set, each request is signed as the gateway signs it, for BENCH_SIGN_SUBJECT
 *                  (the operation's subject outside the namespace), so a real service takes it
 */
import { connect } from '@nats-io/transport-node';
import { BusIdentity, parseServiceKey, signRequest } from '@nxg/platform';
import Fastify from 'fastify';

const subject = process.env.BENCH_SUBJECT;
if (!subject) throw new Error('BENCH_SUBJECT is required');

const nc = await connect({
  servers: (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(','),
  name: 'bench-floor-server',
});
const encoder = new TextEncoder();
const fixed = process.env.BENCH_REQUEST ? encoder.encode(process.env.BENCH_REQUEST) : undefined;
const serviceKey = parseServiceKey(process.env.SERVICE_KEY);
const signer = serviceKey ? new BusIdentity(serviceKey, 'gateway') : undefined;
const signedSubject = process.env.BENCH_SIGN_SUBJECT ?? subject;

const app = Fastify({ logger: false });
app.get('/floor', async (request, reply) => {
  const payload =
    fixed ?? encoder.encode(JSON.stringify({ ctx: { requestId: String(request.id) }, body: {} }));
  const headers = signer ? signRequest(signer, signedSubject, payload) : undefined;
  const msg = await nc.request(subject, payload, { timeout: 5000, ...(headers ? { headers } : {}) });
  const answer = JSON.parse(msg.string()) as { ok: boolean; data?: unknown; error?: { status: number } };
  if (!answer.ok) return reply.status(answer.error?.status ?? 500).send(answer.error);
  return answer.data;
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const address = app.server.address();
console.log(`READY ${typeof address === 'object' && address ? address.port : ''}`);

process.once(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => nc.drain())
      .then(() => process.exit(0)),
);
