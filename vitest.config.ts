import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Relative to the directory scanned: the whole repository, or one project's with
    // `--dir <project>` (its Nx `test` target).
    include: ['**/*.test.ts'],
    // Test files run in parallel: each test platform has a NATS namespace, databases and a Redis
    // prefix of its own (packages/testing). One worker per core, not vitest's default of cores - 1
    // (a single worker on this 2-core machine); more made timing-sensitive journeys flaky here.
    // VITEST_MAX_WORKERS overrides it.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS ?? availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // Services' logs of the whole run are written to files and searched for secrets at the end.
    globalSetup: ['packages/testing/src/log-scan/global-log-scan.ts'],
    // `vitest run --coverage` (`pnpm test`, so CI too). The seed's floor, 80 % of lines and
    // statements, is for service code (apps); the shared packages are measured and reported too.
    coverage: {
      provider: 'v8',
      include: ['apps/*/src/**/*.ts', 'packages/*/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/test-support.ts', '**/*.test-support.ts', 'packages/testing/**'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      thresholds: { 'apps/*/src/**': { lines: 80, statements: 80 } },
    },
  },
});
