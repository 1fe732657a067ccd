import pino, { type LoggerOptions } from 'pino';

/** Paths never written to logs: secrets, tokens and health data (seed: "no PII, passwords or tokens"). */
export const redactedPaths = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'token',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'res.headers["set-cookie"]',
  '*.healthConditions',
  '*.bodyComposition',
  'email',
  '*.email',
];

/** Options for Fastify's pino logger or a standalone one; pretty output only on a TTY (or LOG_PRETTY=true). */
export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...((process.stdout.isTTY || process.env.LOG_PRETTY === 'true') &&
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
