import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Relative to the directory scanned: the whole repository, or one project's with
    // `--dir <project>` (its Nx `test` target).
    include: ['**/*.test.ts'],
    // Test files run in parallel: each test platform has a NATS namespace, databases and a Redis
    // prefix of its own (packages/testing).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
