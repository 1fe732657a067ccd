import pino, { type LoggerOptions } from 'pino';
import { traceIdsForLog } from './bus/trace.ts';
import { scrub, scrubString } from './log-redaction.ts';
import { serializeError, serializeOutbound, serializeRequest, serializeResponse } from './log-serializers.ts';

/**
 * Options for Fastify's pino logger or a standalone one. Nothing secret, personal or medical is
 * written (seed: "no PII, passwords or tokens"): requests, responses, errors and outbound calls go
 * through allow-list serializers, every other object has its sensitive keys redacted at any depth,
 * and tokens are masked inside messages and strings. Pretty output only on a TTY (or LOG_PRETTY=true),
 * never when `pretty: false` (a test writing lines to a file).
 */
export function loggerOptions(
  service: string,
  level: string,
  { pretty = true }: { pretty?: boolean } = {},
): LoggerOptions {
  return {
    level,
    base: { service },
    // The trace a line belongs to, when there is one: find a request's logs from its trace.
    mixin: traceIdsForLog,
    serializers: {
      err: serializeError,
      error: serializeError,
      req: serializeRequest,
      res: serializeResponse,
      outbound: serializeOutbound,
    },
    formatters: { log: (object) => scrub(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubString(arg) : arg)) as never);
      },
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(pretty &&
    (process.stdout.isTTY || process.env.LOG_PRETTY === 'true') &&
    process.env.LOG_PRETTY !== 'false' &&
    process.env.NODE_ENV !== 'production'
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  };
}

export function createLogger(service: string, level: string) {
  return pino(loggerOptions(service, level));
}

export type Logger = pino.Logger;
