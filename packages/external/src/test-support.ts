import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createCache, loggerOptions, type Cache } from '@nxg/platform';
import pino from 'pino';

// Helpers for this package's tests only; the stand-ins themselves come from @nxg/testing.

/** Redis named by REDIS_URL, or none (the in-process cache). */
const redisUrl = process.env.REDIS_URL || undefined;

/** Lower-case hex, safe in cache keys. */
export const uniqueSuffix = () => randomBytes(5).toString('hex');

export const silentLogger = pino({ level: 'silent' });

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const cacheKinds = [
  { kind: 'memory', url: undefined },
  { kind: 'redis', url: redisUrl },
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

/** A logger like a service's (redaction and serializers included) whose JSON lines are kept for assertions. */
export function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: pino(loggerOptions('external-test', 'debug', { pretty: false }), stream),
    lines,
    text: () => lines.join('\n'),
  };
}
