import { describe, expect, it } from 'vitest';
import { chaosPassed, runChaos } from './run-chaos.ts';

// The short chaos run (`pnpm chaos` runs every fault): cutting PostgreSQL's connections needs a
// server, PGlite has none.
describe.skipIf(!process.env.DATABASE_URL)('the chaos suite, short run', () => {
  it(
    'loses, doubles and leaves unannounced nothing through a database cut, a kill -9 and a NATS restart',
    { timeout: 240_000 },
    async () => {
      const lines: string[] = [];
      const report = await runChaos({
        faults: ['postgres-connections', 'kill:workout', 'nats-restart'],
        members: 3,
        settleMs: 1500,
        downMs: 500,
        log: (line) => lines.push(line),
      });
      expect(
        report.faults.map((f) => f.recoveredMs !== undefined),
        lines.join('\n'),
      ).toEqual([true, true, true]);
      // Writes went through before, between and after the faults.
      expect(report.writesAcknowledged).toBeGreaterThan(50);
      expect(report).toMatchObject({
        lost: 0,
        duplicated: 0,
        eventsMissing: 0,
        eventsDoubled: 0,
        unexpected: [],
      });
      expect(report.readModelSets, report.readModelFailure).toBe(report.setsStored);
      expect(chaosPassed(report)).toBe(true);
    },
  );
});
