import { REDACTED, scrub, scrubString } from './log-redaction.ts';

/**
 * Allow-list serializers: a log line carries the fields named here and nothing else of a request,
 * a response or an error, so a header, a body or a driver's detail cannot slip in by accident.
 */

/** Fields of an error worth a log line: codes and statuses, never the values involved. */
const errorFields = [
  'code',
  'status',
  'statusCode',
  'retryable',
  'sent',
  'upstreamStatus',
  'retryAfterMs',
  'service',
  'errno',
  'syscall',
  // PostgreSQL: where it failed, not with which values (`detail`, `where`, `parameters` are left out).
  'severity',
  'table',
  'column',
  'constraint',
  'routine',
] as const;

/** A PostgreSQL error (pg or PGlite): its message may quote the offending value. */
const isDatabaseError = (error: Record<string, unknown>) =>
  typeof error.severity === 'string' && typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code);

const maskQuoted = (message: string) => message.replace(/"[^"]*"|'[^']*'|\([^()]*\)=\([^()]*\)/g, '"…"');

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  details?: unknown;
  cause?: SerializedError;
  errors?: SerializedError[];
  [field: string]: unknown;
}

export function serializeError(value: unknown, depth = 0): SerializedError {
  if (value === null || typeof value !== 'object')
    return { type: typeof value, message: scrubString(String(value)) };
  const error = value as Record<string, unknown> & { constructor?: { name?: string } };
  const type = typeof error.name === 'string' ? error.name : (error.constructor?.name ?? 'Error');
  const database = isDatabaseError(error);
  const rawMessage = typeof error.message === 'string' ? error.message : '';
  const message = scrubString(database ? maskQuoted(rawMessage) : rawMessage);
  const out: SerializedError = { type, message };
  for (const field of errorFields) {
    const v = error[field];
    if (v !== undefined && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
      out[field] = typeof v === 'string' ? scrubString(v) : v;
  }
  if (typeof error.stack === 'string') {
    const frames = error.stack.split('\n').filter((line) => line.trimStart().startsWith('at '));
    out.stack = [`${type}: ${message}`, ...frames.slice(0, 15)].join('\n');
  }
  // An AppError's details are what the client was told (field paths and rules), scrubbed anyway.
  if (error.details !== undefined && !database) out.details = scrub(error.details);
  if (depth < 3 && error.cause !== undefined) out.cause = serializeError(error.cause, depth + 1);
  if (depth < 3 && Array.isArray(error.errors))
    out.errors = error.errors.slice(0, 5).map((e: unknown) => serializeError(e, depth + 1));
  return out;
}

/** An incoming request: method, path (credentials in the query masked) and the client address. */
export function serializeRequest(request: {
  method?: string;
  url?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
}): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : scrubString(request.url),
    remoteAddress: request.ip ?? request.socket?.remoteAddress,
  };
}

export const serializeResponse = (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode });

/**
 * An outbound call to a service we do not own: method, origin and path, status and timing; never
 * its headers (they carry our API keys and bearer tokens) nor its body.
 */
export function serializeOutbound(call: {
  method?: string;
  url?: string;
  path?: string;
  status?: number;
  ms?: number;
  headers?: unknown;
}): Record<string, unknown> {
  return {
    method: call.method,
    url: call.url === undefined ? undefined : scrubString(call.url.split('?')[0]!),
    path: call.path === undefined ? undefined : scrubString(call.path.split('?')[0]!),
    status: call.status,
    ms: call.ms,
    ...(call.headers !== undefined ? { headers: REDACTED } : {}),
  };
}
