/**
 * Bare Fastify hello-world: the ceiling any Fastify route on this machine can reach.
 * Run by gateway-bench.ts as its own process; prints `READY <port>`.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const address = app.server.address();
console.log(`READY ${typeof address === 'object' && address ? address.port : ''}`);

process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
