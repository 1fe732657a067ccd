/**
 * The transport floor: a bare Fastify route that makes one NATS request (a small JSON envelope,
 * like the gateway's) to floor-responder.ts and returns the reply's data. Nothing else: no auth,
 * no validation, no rate limit, no plugins. Run by gateway-bench.ts as its own process; prints `READY <port>`.
 */
import { connect } from '@nats-io/transport-node';
import Fastify from 'fastify';

const subject = process.env.BENCH_SUBJECT;
if (!subject) throw new Error('BENCH_SUBJECT is required');

const nc = await connect({ servers: (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(','), name: 'bench-floor-server' });
const encoder = new TextEncoder();

const app = Fastify({ logger: false });
app.get('/floor', async (request) => {
  const msg = await nc.request(subject, encoder.encode(JSON.stringify({ ctx: { requestId: String(request.id) }, body: {} })), {
    timeout: 5000,
  });
  return (JSON.parse(msg.string()) as { data: unknown }).data;
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const address = app.server.address();
console.log(`READY ${typeof address === 'object' && address ? address.port : ''}`);

process.once('SIGTERM', () => void app.close().then(() => nc.drain()).then(() => process.exit(0)));
