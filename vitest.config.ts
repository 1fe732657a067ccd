import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Relative to the directory scanned: the whole repository, or one project's with
    // `--dir <project>` (its Nx `test` target).
    include: ['**/*.test.ts'],
    // Test files run in parallel: each test platform has a NATS namespace, databases and a Redis
    // prefix of its own (packages/testing). Most of a journey's time is spent waiting (heartbeat
    // windows, idle timeouts, replies), so four workers on two cores, not vitest's default of
    // cores - 1 (one, here). VITEST_MAX_WORKERS overrides it.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS ?? 4),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
