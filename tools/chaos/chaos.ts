/**
 * The chaos suite (`pnpm chaos`): the whole platform as real processes on a NATS server of its
 * own, members logging sets and reading their profile, and one fault after another — `kill -9` of
 * each service, a NATS server restart, every PostgreSQL connection cut. It prints how long each
 * fault took to recover from and what the audit found, and exits 1 if anything acknowledged was
 * lost, stored twice, not announced, announced twice or not counted by analytics.
 *
 *   DATABASE_URL=postgres://… REDIS_URL=redis://… pnpm chaos [--quick] [--faults kill:workout,nats-restart]
 *
 * It never touches the machine's own NATS. `--quick` is the short run the test suite makes.
 */
import { parseArgs } from 'node:util';
import { allFaults, chaosPassed, runChaos, type Fault } from './run-chaos.ts';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, faults: { type: 'string' } },
});
const known = allFaults();
const faults = values.faults ? (values.faults.split(',') as Fault[]) : known;
const unknown = faults.filter((f) => !known.includes(f));
if (unknown.length > 0) {
  console.error(`unknown faults: ${unknown.join(', ')}; known: ${known.join(', ')}`);
  process.exit(2);
}

const started = Date.now();
const report = await runChaos({
  faults,
  members: values.quick ? 4 : 10,
  settleMs: values.quick ? 1500 : 4000,
  downMs: values.quick ? 500 : 2000,
  log: (line) => console.log(line),
});
const row = (label: string, value: number | string) => console.log(`  ${label.padEnd(34)} ${value}`);
console.log(`\nchaos run, ${faults.length} faults, ${((Date.now() - started) / 1000).toFixed(0)} s`);
row('writes acknowledged', report.writesAcknowledged);
row('writes unanswered at the end', report.writesUnanswered);
row('sets stored', report.setsStored);
row('acknowledged but lost', report.lost);
row('stored twice', report.duplicated);
row('events missing on the stream', report.eventsMissing);
row('events doubled on the stream', report.eventsDoubled);
row('sets in the analytics read model', report.readModelFailure ?? report.readModelSets);
row('reads answered / failed', `${report.readsOk} / ${report.readsFailed}`);
for (const line of report.unexpected.slice(0, 10)) console.log(`  unexpected: ${line}`);
const passed = chaosPassed(report);
console.log(passed ? '\nPASSED' : '\nFAILED');
process.exit(passed ? 0 : 1);
