import { Redis } from 'ioredis';

/** Shared short-lived state: Redis when REDIS_URL is set, else this process only (single node). */
export interface Cache {
  readonly kind: 'redis' | 'memory';
  /** The Redis client, for libraries that take one (rate limiting); absent in memory mode. */
  readonly redis: Redis | undefined;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlS: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Stores `value` only when `key` is absent (Redis SET NX); true when this call stored it. */
  setIfAbsent(key: string, value: string, ttlS: number): Promise<boolean>;
  /** Adds one and returns the new count; the first increment starts the `ttlS` window. */
  increment(key: string, ttlS: number): Promise<number>;
  /** Takes one back from a live counter (never creates one, keeps its expiry); returns the new count. */
  decrement(key: string): Promise<number>;
  /** Seconds left before `key` expires, or -1 if it does not exist. */
  ttl(key: string): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export function createCache(options: { url?: string | undefined; prefix: string }): Cache {
  return options.url ? redisCache(options.url, options.prefix) : memoryCache(options.prefix);
}

function redisCache(url: string, prefix: string): Cache {
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    // Commands issued in one event-loop turn (every request's rate-limit check, say) go out in one
    // socket write and come back in one read: a write per command was a tenth of the gateway's CPU.
    enableAutoPipelining: true,
  });
  // Connection errors are retried by ioredis; readiness reports them, the process must not crash.
  redis.on('error', () => {});
  return {
    kind: 'redis',
    redis,
    get: (key) => redis.get(prefix + key),
    async set(key, value, ttlS) {
      await redis.set(prefix + key, value, 'EX', Math.max(1, Math.ceil(ttlS)));
    },
    async del(key) {
      await redis.del(prefix + key);
    },
    async setIfAbsent(key, value, ttlS) {
      return (await redis.set(prefix + key, value, 'EX', Math.max(1, Math.ceil(ttlS)), 'NX')) === 'OK';
    },
    async increment(key, ttlS) {
      const [[, count]] = (await redis
        .multi()
        .incr(prefix + key)
        .expire(prefix + key, Math.max(1, Math.ceil(ttlS)), 'NX')
        .exec()) as [[Error | null, number]];
      return count;
    },
    async decrement(key) {
      // DECR on a missing key would create one without expiry: only a live counter is touched.
      return Number(
        await redis.eval(
          "if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) else return 0 end",
          1,
          prefix + key,
        ),
      );
    },
    async ttl(key) {
      const left = await redis.ttl(prefix + key);
      return left < 0 ? -1 : left;
    },
    async ping() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function memoryCache(prefix: string): Cache {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(prefix + key);
    if (entry && entry.expiresAt <= Date.now()) {
      entries.delete(prefix + key);
      return undefined;
    }
    return entry;
  };
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  }, 60_000);
  sweep.unref();
  return {
    kind: 'memory',
    redis: undefined,
    get: async (key) => live(key)?.value ?? null,
    async set(key, value, ttlS) {
      entries.set(prefix + key, { value, expiresAt: Date.now() + ttlS * 1000 });
    },
    async del(key) {
      entries.delete(prefix + key);
    },
    async setIfAbsent(key, value, ttlS) {
      if (live(key)) return false;
      entries.set(prefix + key, { value, expiresAt: Date.now() + ttlS * 1000 });
      return true;
    },
    async increment(key, ttlS) {
      const entry = live(key);
      const count = entry ? Number(entry.value) + 1 : 1;
      entries.set(prefix + key, {
        value: String(count),
        expiresAt: entry?.expiresAt ?? Date.now() + ttlS * 1000,
      });
      return count;
    },
    async decrement(key) {
      const entry = live(key);
      if (!entry) return 0;
      entry.value = String(Number(entry.value) - 1);
      return Number(entry.value);
    },
    async ttl(key) {
      const entry = live(key);
      return entry ? Math.ceil((entry.expiresAt - Date.now()) / 1000) : -1;
    },
    ping: async () => true,
    async close() {
      clearInterval(sweep);
      entries.clear();
    },
  };
}
