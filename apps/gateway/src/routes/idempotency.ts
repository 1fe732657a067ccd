import { createHash, createHmac } from 'node:crypto';
import { CommonErrorCodes, type Operation } from '@nxg/contracts';
import { AppError, type Cache } from '@nxg/platform';
import type {
  FastifyReply,
  FastifyRequest,
  onSendAsyncHookHandler,
  preHandlerAsyncHookHandler,
} from 'fastify';
import { stringify } from 'safe-stable-stringify';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
/** How long a finished answer is given again for the same key (DESIGN §5: 24 h). */
export const ANSWER_TTL_S = 24 * 3600;
/** 1–200 visible ASCII characters: what clients put there is a UUID or a similar token. */
const validKey = /^[\x21-\x7e]{1,200}$/;
/** Headers of the first answer a replay carries again; the rest (request id, rate limits) are the replay's own. */
const replayedHeaders = ['content-type', 'location', 'retry-after'] as const;

type Pending = { state: 'pending'; fingerprint: string };
type Done = {
  state: 'done';
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: string | null;
};
type StoredAnswer = Pending | Done;

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The cache key this request claimed with its Idempotency-Key (its answer is stored under it),
     * and the key hashed, which the service is given too (`ctx.idempotencyKey`).
     */
    idempotencyClaim?: { key: string; fingerprint: string; requestKey: string };
  }
}

/** The one scope a key lives in: the member and the operation, or the operation alone when anonymous. */
function scopeOf(op: Operation, request: FastifyRequest): string {
  return request.caller ? `user:${request.caller.userId}:${op.name}` : `anon:${op.name}`;
}

/**
 * Same input, same fingerprint, whatever the order of its keys. Keyed by the Idempotency-Key
 * itself (kept only hashed): a stored fingerprint of a body holding a password cannot be
 * brute-forced without the client's key.
 */
function fingerprintOf(request: FastifyRequest, key: string): string {
  const input = { params: request.params, query: request.query, body: request.body };
  return createHmac('sha256', key)
    .update(stringify(input) ?? '')
    .digest('hex');
}

function keyOf(request: FastifyRequest): string | undefined {
  const header = request.headers[IDEMPOTENCY_HEADER];
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !validKey.test(header)) {
    throw new AppError(
      400,
      CommonErrorCodes.IDEMPOTENCY_KEY_INVALID,
      'Idempotency-Key must be one header of 1 to 200 visible ASCII characters',
    );
  }
  return header;
}

function replay(reply: FastifyReply, answer: Done): FastifyReply {
  for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
  reply.header(REPLAYED_HEADER, 'true');
  return reply.status(answer.status).send(answer.body ?? undefined);
}

/**
 * `Idempotency-Key` on critical writes (contracts: `critical: true`): the first request with a key
 * claims it (SET NX with a TTL while in flight), its answer is kept 24 h and given again to a retry
 * with the same key and input, without a second effect. 5xx answers are not kept: the client may
 * retry. Keys live in the shared Cache (Redis, or this process without REDIS_URL), per member
 * and operation (per operation alone for anonymous ones, i.e. register).
 */
export function idempotencyHooks(
  op: Operation,
  options: { cache: Cache; inFlightTtlS: number },
): { preHandler: preHandlerAsyncHookHandler; onSend: onSendAsyncHookHandler } {
  const { cache } = options;
  const fail = (code: 'IDEMPOTENCY_KEY_IN_PROGRESS' | 'IDEMPOTENCY_KEY_REUSED') =>
    code === 'IDEMPOTENCY_KEY_IN_PROGRESS'
      ? new AppError(409, code, 'A request with this Idempotency-Key is still in progress', {
          headers: { 'retry-after': '1' },
        })
      : new AppError(422, code, 'This Idempotency-Key was used with another request body');

  return {
    async preHandler(request, reply) {
      const key = keyOf(request);
      if (key === undefined) return;
      const fingerprint = fingerprintOf(request, key);
      const requestKey = createHash('sha256').update(key).digest('hex');
      const cacheKey = `idem:${scopeOf(op, request)}:${requestKey}`;
      const pending: Pending = { state: 'pending', fingerprint };
      // Two rounds: the stored answer may expire between a failed claim and the read.
      for (let round = 0; round < 2; round++) {
        if (await cache.setIfAbsent(cacheKey, JSON.stringify(pending), options.inFlightTtlS)) {
          request.idempotencyClaim = { key: cacheKey, fingerprint, requestKey };
          return;
        }
        const raw = await cache.get(cacheKey);
        if (raw === null) continue;
        const stored = JSON.parse(raw) as StoredAnswer;
        if (stored.fingerprint !== fingerprint) throw fail('IDEMPOTENCY_KEY_REUSED');
        if (stored.state === 'pending') throw fail('IDEMPOTENCY_KEY_IN_PROGRESS');
        return replay(reply, stored);
      }
      throw fail('IDEMPOTENCY_KEY_IN_PROGRESS');
    },

    async onSend(request, reply, payload) {
      const claim = request.idempotencyClaim;
      if (!claim) return payload;
      request.idempotencyClaim = undefined;
      if (
        reply.statusCode >= 500 ||
        (payload !== null && payload !== undefined && typeof payload !== 'string')
      ) {
        await cache.del(claim.key); // not an answer to keep: the client may try again
        return payload;
      }
      const headers: Record<string, string> = {};
      for (const name of replayedHeaders) {
        const value = reply.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      const answer: Done = {
        state: 'done',
        fingerprint: claim.fingerprint,
        status: reply.statusCode,
        headers,
        body: (payload as string | null | undefined) ?? null,
      };
      // A store that fails must not lose the answer itself; the claim then expires by its TTL.
      await cache
        .set(claim.key, JSON.stringify(answer), ANSWER_TTL_S)
        .catch((error: unknown) => request.log.warn({ err: error }, 'idempotent answer not stored'));
      return payload;
    },
  };
}
