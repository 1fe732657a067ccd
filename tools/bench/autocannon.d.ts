/** The part of autocannon 9's API the benchmarks use (the package ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      pipelining?: number;
      /** Requests per second across all connections (each connection gets its share per second). */
      overallRate?: number;
      method?: string;
      /** Request body, sent with every request. */
      body?: string | Buffer;
      headers?: Record<string, string>;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      verifyBody?: (body: string) => boolean;
      expectBody?: string;
      ignoreCoordinatedOmission?: boolean;
      /** Each connection sends these in turn, over and over (a journey of requests). */
      requests?: Request[];
      /** Copied into each connection's own context, which its requests' hooks read and write. */
      initialContext?: Record<string, unknown>;
    }

    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      /** May rewrite the request from the connection's context before it is sent. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
    }

    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }

    interface Result {
      url: string;
      connections: number;
      duration: number;
      /** Per-second samples; `total` is the number of requests completed, `sent` the number sent. */
      requests: Histogram & { sent: number };
      latency: Histogram;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      statusCodeStats: Record<string, { count: number }>;
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
