import { Writable } from 'node:stream';
import pino from 'pino';
import { createCache, type Cache } from '../cache.ts';
import { testBackends, uniqueSuffix } from '../test-support.ts';

// The stand-ins live in @nxg/testing, which depends on this package, so this package cannot
// depend on it back; its tests reach the stand-in sources directly. They import only fastify and
// node built-ins (no @nxg/platform), so there is no cycle at run time. Only tests import this file.
// eslint-disable-next-line @nx/enforce-module-boundaries
export * from '../../../testing/src/stand-ins/workout-planning-stand-in.ts';
// eslint-disable-next-line @nx/enforce-module-boundaries
export * from '../../../testing/src/stand-ins/stand-in-server.ts';
// eslint-disable-next-line @nx/enforce-module-boundaries
export { freePort } from '../../../testing/src/free-port.ts';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const cacheKinds = [
  { kind: 'memory', url: undefined },
  { kind: 'redis', url: testBackends.redisUrl },
] as const;

/**
 * Caches as replicas of one service see them: with Redis, each its own connection to the same
 * server and prefix; in memory, one store shared by the "replicas" (they are in one process).
 */
export function replicaCaches(url: string | undefined) {
  const prefix = `nxgtest:${uniqueSuffix()}:`;
  const opened: Cache[] = [];
  const shared = url ? undefined : createCache({ prefix });
  return {
    open(): Cache {
      if (shared) return shared;
      const cache = createCache({ url, prefix });
      opened.push(cache);
      return cache;
    },
    async dispose() {
      const any = opened[0];
      const keys = (await any?.redis?.keys(`${prefix}*`)) ?? [];
      if (keys.length > 0) await any?.redis?.del(...keys);
      await Promise.all(opened.map((cache) => cache.close()));
      await shared?.close();
    },
  };
}

/** A logger whose JSON lines are kept for assertions. */
export function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines, text: () => lines.join('\n') };
}
