/**
 * What the hub's NATS side of one telemetry frame costs, and what the fixes proposed in
 * docs/benchmarks-hub.md would save: 2,000 frames a second for BENCH_DURATION_S, each published as
 * the hub does it (a core live message plus a JetStream publish awaited for its PubAck, each frame
 * from its own I/O callback, so each is flushed by itself), then as variants. Prints the CPU this
 * process used per frame and the PubAck latency. Run it with nothing else busy on the machine.
 *
 *   NATS_URL=nats://127.0.0.1:4222 node tools/bench/hub-nats-cost.ts
 */
import { randomUUID } from 'node:crypto';
import { connect, headers } from '@nats-io/transport-node';

const RATE = 2000;
const DURATION_S = Number(process.env.BENCH_DURATION_S || 10);
const STREAM = `HUB_COST_${process.pid}`;
const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'hub-nats-cost' });
// A file-backed stream like MACHINES, made through the JetStream API subjects (tools does not
// depend on @nats-io/jetstream; its publish is this same request with a Nats-Msg-Id header).
const api = async (subject: string, body: unknown) =>
  (await nc.request(subject, JSON.stringify(body), { timeout: 5000 })).json<{ error?: unknown }>();
const created = await api(`$JS.API.STREAM.CREATE.${STREAM}`, {
  name: STREAM,
  subjects: [`hubcost.${process.pid}.>`],
  storage: 'file',
  retention: 'limits',
  max_age: 60 * 1e9,
  duplicate_window: 60 * 1e9,
});
if (created.error) throw new Error(`stream not created: ${JSON.stringify(created.error)}`);
/** What `js.publish(subject, data, { msgID })` does: a request answered by the stream's PubAck. */
const jsPublish = async (subject: string, data: string, msgID: string) => {
  const h = headers();
  h.set('Nats-Msg-Id', msgID);
  const ack = (await nc.request(subject, data, { headers: h, timeout: 5000 })).json<{ error?: unknown }>();
  if (ack.error) throw new Error(JSON.stringify(ack.error));
};

const envelope = (i: number) =>
  JSON.stringify({
    id: randomUUID(),
    type: 'machines.telemetry',
    source: 'machine-hub',
    time: new Date().toISOString(),
    subject: 'm',
    dataVersion: 1,
    data: {
      machineId: 'm',
      branchId: 'b',
      linkId: 'l',
      userId: 'u',
      frameId: String(i),
      at: new Date().toISOString(),
      metrics: {
        speedKph: 10.2,
        heartRate: 140,
        cadence: 160,
        powerW: 180,
        distanceM: 1234.5,
        calories: 88.1,
      },
    },
  });

/**
 * JetStream's "async publish": every publish names a reply subject under one inbox with a single
 * wildcard subscription, and the PubAck resolves the waiting frame by its token — no request
 * object, timer or pre-made error per message, as nats.js's request() makes.
 */
const inbox = `_INBOX.hubcost.${process.pid}`;
const waiting = new Map<string, (ok: boolean) => void>();
nc.subscribe(`${inbox}.*`, {
  callback: (error, msg) => {
    const token = msg.subject.slice(inbox.length + 1);
    const done = waiting.get(token);
    if (!done) return;
    waiting.delete(token);
    done(!error && !msg.json<{ error?: unknown }>().error);
  },
});
let tokens = 0;
const jsPublishAsync = (subject: string, data: string, msgID: string) =>
  new Promise<void>((resolve, reject) => {
    const token = (tokens++).toString(36);
    waiting.set(token, (ok) => (ok ? resolve() : reject(new Error('not stored'))));
    const h = headers();
    h.set('Nats-Msg-Id', msgID);
    nc.publish(subject, data, { reply: `${inbox}.${token}`, headers: h });
  });

type Mode = { name: string; frame: (i: number) => Promise<void> | void; batch: boolean };
const modes: Mode[] = [
  {
    name: 'as the hub does: live publish + JetStream publish awaited, flushed per frame',
    batch: false,
    frame: async (i) => {
      nc.publish(`hublive.${process.pid}.u${i % 2000}`, envelope(i));
      await jsPublish(`hubcost.${process.pid}.t`, envelope(i), `a:${i}`);
    },
  },
  {
    name: 'the same, 10 frames at a time flushed together (batching per event-loop turn)',
    batch: true,
    frame: async (i) => {
      nc.publish(`hublive.${process.pid}.u${i % 2000}`, envelope(i));
      await jsPublish(`hubcost.${process.pid}.t`, envelope(i), `b:${i}`);
    },
  },
  {
    name: 'live publish + JetStream publish with a shared PubAck subscription (async publish), flushed per frame',
    batch: false,
    frame: async (i) => {
      nc.publish(`hublive.${process.pid}.u${i % 2000}`, envelope(i));
      await jsPublishAsync(`hubcost.${process.pid}.t`, envelope(i), `c:${i}`);
    },
  },
  {
    name: 'the same, 10 frames at a time flushed together',
    batch: true,
    frame: async (i) => {
      nc.publish(`hublive.${process.pid}.u${i % 2000}`, envelope(i));
      await jsPublishAsync(`hubcost.${process.pid}.t`, envelope(i), `d:${i}`);
    },
  },
  {
    name: 'live publish + core publish into the stream (no PubAck awaited), flushed per frame',
    batch: false,
    frame: (i) => {
      nc.publish(`hublive.${process.pid}.u${i % 2000}`, envelope(i));
      nc.publish(`hubcost.${process.pid}.t`, envelope(i));
    },
  },
  {
    name: 'live publish only (no durable telemetry event), flushed per frame',
    batch: false,
    frame: (i) => nc.publish(`hublive.${process.pid}.u${i % 2000}`, envelope(i)),
  },
];

/**
 * Runs `mode` at RATE frames/s. Unbatched: every millisecond the frames due are started, each from
 * its own macrotask (setImmediate: microtasks, and so the NATS client's flush, run between them), as
 * frames arriving on different sockets are. Batched: every 5 ms the ~10 frames due are started in
 * one macrotask, so the client writes them in one go (what a hub batching per event-loop turn does).
 */
async function measure(mode: Mode): Promise<void> {
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(
      () => {
        const due = Math.min(RATE * DURATION_S, Math.floor(((performance.now() - start) / 1000) * RATE));
        const run = (i: number) => {
          const t0 = performance.now();
          const p = Promise.resolve(mode.frame(i)).then(() => {
            latencies.push(performance.now() - t0);
            pending.delete(p);
          });
          pending.add(p);
        };
        if (mode.batch) for (; sent < due; sent++) run(sent);
        else for (; sent < due; sent++) setImmediate(run, sent);
        if (sent >= RATE * DURATION_S) {
          clearInterval(timer);
          resolve();
        }
      },
      mode.batch ? 5 : 1,
    );
  });
  await Promise.all(pending);
  await nc.flush();
  const cpu = process.cpuUsage(cpuStart);
  const elapsedS = (performance.now() - start) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  const usedUs = cpu.user + cpu.system;
  console.log(
    `${mode.name}\n  ${Math.round(usedUs / sent)} µs CPU a frame ` +
      `(${((usedUs / 1e6 / elapsedS) * 100).toFixed(0)}% of a core at ${RATE}/s; system ${Math.round((cpu.system / usedUs) * 100)}%), ` +
      `publish → done p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`,
  );
}

try {
  console.log(
    `NATS cost of one telemetry frame, ${RATE} frames/s for ${DURATION_S} s each (Node ${process.version})`,
  );
  for (const mode of modes) await measure(mode);
} finally {
  await api(`$JS.API.STREAM.DELETE.${STREAM}`, {}).catch(() => {});
  await nc.drain();
}
