import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'tools/**/*.test.ts'],
    // Test files run in parallel: each test platform has a NATS namespace, databases and a Redis
    // prefix of its own (packages/testing).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
