import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Cache } from '@nxg/platform';

/** JSON with object keys sorted, so equal values give equal strings whatever their key order. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/** A cache key for a request: the SHA-256 of its parts (e.g. an operation name and the body). */
export const cacheKeyOf = (...parts: unknown[]) =>
  createHash('sha256').update(stableJson(parts)).digest('hex');

export interface CachedResponse {
  data: unknown;
  /** When the answer was received, epoch milliseconds. */
  cachedAt: number;
}

/**
 * Answers of one external service in the shared Cache: a fresh copy for `ttlS`, and optionally a
 * stale copy kept longer, served only when the service cannot answer (seed: "fallback to cached
 * plans on service unavailability"). A cache that fails is a miss, never an error.
 */
export function createResponseCache(options: { cache: Cache; service: string; logger: Logger }) {
  const { cache, service, logger } = options;
  const keyOf = (kind: 'fresh' | 'stale', key: string) =>
    `ext:${service}:${kind}:${createHash('sha256').update(key).digest('hex')}`;

  const read = async (kind: 'fresh' | 'stale', key: string): Promise<CachedResponse | undefined> => {
    try {
      const raw = await cache.get(keyOf(kind, key));
      if (raw === null) return undefined;
      const entry = JSON.parse(raw) as Partial<CachedResponse>;
      return typeof entry.cachedAt === 'number' && 'data' in entry
        ? { data: entry.data, cachedAt: entry.cachedAt }
        : undefined;
    } catch (err) {
      logger.warn({ err, kind }, 'response cache read failed; treated as a miss');
      return undefined;
    }
  };

  return {
    fresh: (key: string) => read('fresh', key),
    stale: (key: string) => read('stale', key),
    async store(key: string, data: unknown, ttlS: number, staleTtlS?: number): Promise<void> {
      const entry = JSON.stringify({ data, cachedAt: Date.now() });
      try {
        await Promise.all([
          ttlS > 0 ? cache.set(keyOf('fresh', key), entry, ttlS) : undefined,
          staleTtlS && staleTtlS > 0 ? cache.set(keyOf('stale', key), entry, staleTtlS) : undefined,
        ]);
      } catch (err) {
        logger.warn({ err }, 'response cache write failed');
      }
    },
    async forget(key: string): Promise<void> {
      await Promise.all([cache.del(keyOf('fresh', key)), cache.del(keyOf('stale', key))]).catch(() => {});
    },
  };
}

export type ResponseCache = ReturnType<typeof createResponseCache>;
