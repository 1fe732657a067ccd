/**
 * What a full telemetry stream costs the NATS server: CPU of nats-server per message stored into a
 * file stream with room, then into one at its byte limit (every message stored evicts the oldest),
 * with messages spread over 1, 500 and 2,000 subjects as 2,000 machines' telemetry is. Run it against
 * a nats-server of your own with nothing else on it (its CPU is read from /proc):
 *
 *   nats-server -a 127.0.0.1 -p 4432 -js -sd /tmp/eviction-nats &
 *   NATS_URL=nats://127.0.0.1:4432 node tools/bench/nats-eviction-cost.ts
 *
 * nats-server 2.9.10 here: 14–22 µs a message with room; full, 19–21 / 102–105 / 221–258 µs with
 * 1 / 500 / 2,000 subjects (docs/benchmarks-hub.md). Each stream is deleted afterwards.
 */
import { readFileSync } from 'node:fs';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { natsPidsOf } from './load-run.ts';

const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4432';
const [natsPid] = natsPidsOf(url)();
if (natsPid === undefined) throw new Error(`no nats-server process found for ${url}`);
const FILL = 60_000; // ~47 MiB of 700-byte messages: more than the 32 MiB limit below
const MEASURED = 20_000;
const IN_FLIGHT = 100;

/** CPU seconds nats-server has used (user + system), from /proc/<pid>/stat. */
const cpuSeconds = () => {
  const fields = readFileSync(`/proc/${natsPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const nc = await connect({ servers: url });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
const payload = new Uint8Array(700).fill(65);

async function publishMany(name: string, subjects: number, from: number, count: number) {
  for (let i = from; i < from + count; i += IN_FLIGHT) {
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, (_, j) =>
        js.publish(`${name}.b.m${(i + j) % subjects}`, payload, { msgID: `m:${i + j}` }),
      ),
    );
  }
}

for (const maxBytes of [-1, 32 * 2 ** 20]) {
  for (const subjects of [1, 500, 2000]) {
    const name = `EVICTION_COST_${Date.now()}`;
    await jsm.streams.add({ name, subjects: [`${name}.>`], max_bytes: maxBytes, duplicate_window: 120e9 });
    await publishMany(name, subjects, 0, FILL);
    const before = cpuSeconds();
    await publishMany(name, subjects, FILL, MEASURED);
    const used = cpuSeconds() - before;
    const { state } = await jsm.streams.info(name);
    await jsm.streams.delete(name);
    console.log(
      `${maxBytes < 0 ? 'room      ' : 'full 32MiB'}  ${String(subjects).padStart(4)} subjects: ` +
        `${((used * 1e6) / MEASURED).toFixed(1)} µs of nats-server CPU a message (${state.first_seq - 1} evicted)`,
    );
  }
}
await nc.close();
