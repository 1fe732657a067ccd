import { connect, type NatsConnection } from '@nats-io/transport-node';
import { defineOperation, type RequestContext } from '@nxg/contracts';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { signedAs, silentLogger, testBackends, testServiceKey, uniqueSuffix } from '../test-support.ts';
import { BusIdentity } from './bus-identity.ts';
import { signRequest } from './request-signature.ts';
import { bind, callOperation, serveOperations, type ServedOperations } from './rpc.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const service = `rpctest${uniqueSuffix()}`;
const http = { method: 'POST', path: '/test', status: 200 } as const;

const echo = defineOperation(service, 'echo', {
  summary: 'Repeats the text for the caller',
  http,
  access: 'public',
  body: Type.Object(
    { text: Type.String({ maxLength: 20 }), times: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })) },
    { additionalProperties: false },
  ),
  output: Type.Object({ text: Type.String(), userId: Type.Union([Type.String(), Type.Null()]) }),
});
const conflict = defineOperation(service, 'conflict', {
  summary: 'Fails on purpose',
  http,
  access: 'public',
  output: null,
});
const crash = defineOperation(service, 'crash', {
  summary: 'Fails by accident',
  http,
  access: 'public',
  output: null,
});
const badData = defineOperation(service, 'bad-data', {
  summary: 'Hits a PostgreSQL data error',
  http,
  access: 'public',
  output: null,
});
const slow = defineOperation(service, 'slow', {
  summary: 'Answers after a while',
  http,
  access: 'public',
  body: Type.Object({ ms: Type.Integer() }),
  output: Type.Object({ waited: Type.Integer() }),
});
const unserved = defineOperation(`${service}x`, 'nobody', {
  summary: 'Nobody serves this',
  http,
  access: 'public',
  output: null,
});

const ctx = (extra: Partial<RequestContext> = {}): RequestContext => ({
  requestId: `req-${uniqueSuffix()}`,
  roles: ['member'],
  branchRoles: {},
  ...extra,
});

/** What the caller gets back when the call fails. */
const failure = async (call: Promise<unknown>): Promise<AppError> => {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('the call succeeded');
};

describe('NATS request/reply operations', () => {
  let serverNc: NatsConnection;
  let callerNc: NatsConnection;
  let served: ServedOperations;
  let echoCalls = 0;

  beforeAll(async () => {
    serverNc = signedAs(await connect({ servers: testBackends.natsUrl }), service);
    // The gateway: the service that may send a member's context.
    callerNc = signedAs(await connect({ servers: testBackends.natsUrl }), 'gateway');
    served = serveOperations(
      serverNc,
      [
        bind(echo, async (input, requestCtx) => {
          echoCalls += 1;
          return { text: input.text.repeat(input.times ?? 1), userId: requestCtx.userId ?? null };
        }),
        bind(conflict, async () => {
          throw new AppError(409, 'USERNAME_TAKEN', 'That username is taken', {
            details: [{ path: '/name', message: 'taken' }],
          });
        }),
        bind(crash, async () => {
          throw new Error('connect ECONNREFUSED 10.1.2.3:5432 password=hunter2');
        }),
        bind(badData, async () => {
          // What pg throws for `SELECT 'not-a-uuid'::uuid`: invalid_text_representation, class 22.
          throw Object.assign(new Error('invalid input syntax for type uuid: "not-a-uuid"'), {
            code: '22P02',
            severity: 'ERROR',
          });
        }),
        bind(slow, async (input) => {
          await sleep(input.ms);
          return { waited: input.ms };
        }),
      ],
      silentLogger,
    );
    await serverNc.flush();
  });

  afterAll(async () => {
    await served?.stop();
    await serverNc?.drain();
    await callerNc?.drain();
  });

  it('answers a valid call with the handler result and the caller context', async () => {
    const data = await callOperation(callerNc, echo, { text: 'hi', times: 3 }, ctx({ userId: 'user-1' }), {
      timeoutMs: 2_000,
    });
    expect(data).toEqual({ text: 'hihihi', userId: 'user-1' });
  });

  it('rejects input that breaks the contract with 400 VALIDATION_FAILED before the handler runs', async () => {
    const before = echoCalls;
    const error = await failure(
      callOperation(callerNc, echo, { text: 42, times: 9, admin: true }, ctx(), { timeoutMs: 2_000 }),
    );
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(error.details).toEqual(
      expect.arrayContaining([
        { path: '/text', message: expect.any(String) },
        { path: '/times', message: expect.any(String) },
        { path: '/admin', message: 'is not an allowed property' },
      ]),
    );
    expect(echoCalls).toBe(before);
  });

  it("passes the handler's AppError to the caller with the same status, code, message and details", async () => {
    const error = await failure(callOperation(callerNc, conflict, {}, ctx(), { timeoutMs: 2_000 }));
    expect(error).toMatchObject({ status: 409, code: 'USERNAME_TAKEN', message: 'That username is taken' });
    expect(error.details).toEqual([{ path: '/name', message: 'taken' }]);
  });

  it('turns an unexpected handler error into 500 INTERNAL without its message', async () => {
    const error = await failure(callOperation(callerNc, crash, {}, ctx(), { timeoutMs: 2_000 }));
    expect(error).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(
      /ECONNREFUSED|10\.1\.2\.3|hunter2/,
    );
  });

  it('answers a PostgreSQL bad-data error (class 22) with 400, not 500', async () => {
    const error = await failure(callOperation(callerNc, badData, {}, ctx(), { timeoutMs: 2_000 }));
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(error.message).not.toContain('uuid');
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After when nobody serves the operation', async () => {
    const error = await failure(callOperation(callerNc, unserved, {}, ctx(), { timeoutMs: 2_000 }));
    expect(error).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(error.headers).toEqual({ 'retry-after': '1' });
  });

  it('answers 504 UPSTREAM_TIMEOUT when the handler is slower than the timeout', async () => {
    const started = performance.now();
    const error = await failure(callOperation(callerNc, slow, { ms: 1_000 }, ctx(), { timeoutMs: 150 }));
    expect(error).toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('replies 400 to a signed request that is not JSON, and to one without a context', async () => {
    const gateway = new BusIdentity(testServiceKey, 'gateway');
    const send = async (text: string) => {
      const payload = new TextEncoder().encode(text);
      const headers = signRequest(gateway, echo.subject, payload);
      return (await callerNc.request(echo.subject, payload, { timeout: 2_000, headers })).json();
    };
    expect(await send('this is {not json')).toEqual({
      ok: false,
      error: expect.objectContaining({ status: 400, code: 'MALFORMED_JSON' }),
    });
    expect(await send(JSON.stringify({ body: { text: 'hi' } }))).toEqual({
      ok: false,
      error: expect.objectContaining({ status: 400, code: 'VALIDATION_FAILED' }),
    });
  });

  it('fails a call in flight with 503 when its own connection closes, without waiting for the timeout', async () => {
    const closing = signedAs(await connect({ servers: testBackends.natsUrl }), 'gateway');
    const call = callOperation(closing, slow, { ms: 1_000 }, ctx(), { timeoutMs: 20_000 });
    await sleep(100);
    await closing.close();
    const error = await failure(call);
    expect(error).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  });

  it('shares the calls between replicas of the service', async () => {
    const shareService = `rpcshare${uniqueSuffix()}`;
    const whoami = defineOperation(shareService, 'whoami', {
      summary: 'Names the replica',
      http,
      access: 'public',
      output: Type.Object({ replica: Type.String() }),
    });
    const replicas = ['a', 'b'].map((replica) =>
      serveOperations(
        signedAs(serverNc, shareService),
        [bind(whoami, async () => ({ replica }))],
        silentLogger,
      ),
    );
    try {
      await serverNc.flush();
      const answers = await Promise.all(
        Array.from({ length: 40 }, () => callOperation(callerNc, whoami, {}, ctx(), { timeoutMs: 2_000 })),
      );
      const counts = { a: 0, b: 0 } as Record<string, number>;
      for (const { replica } of answers) counts[replica]! += 1;
      // Queue group: each call answered once, by either replica, and both took some.
      expect(counts.a! + counts.b!).toBe(40);
      expect(counts.a).toBeGreaterThan(0);
      expect(counts.b).toBeGreaterThan(0);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });
});

describe('stopping served operations', () => {
  it('answers the request in flight before stop() resolves, then takes no more', async () => {
    const stopService = `rpcstop${uniqueSuffix()}`;
    const nc = signedAs(await connect({ servers: testBackends.natsUrl }), stopService);
    const caller = signedAs(await connect({ servers: testBackends.natsUrl }), 'gateway');
    try {
      const work = defineOperation(stopService, 'work', {
        summary: 'Takes a moment',
        http,
        access: 'public',
        output: Type.Object({ done: Type.Boolean() }),
      });
      let handlerStarted!: () => void;
      const started = new Promise<void>((resolve) => (handlerStarted = resolve));
      let finishedAt = 0;
      const served = serveOperations(
        nc,
        [
          bind(work, async () => {
            handlerStarted();
            await sleep(400);
            finishedAt = performance.now();
            return { done: true };
          }),
        ],
        silentLogger,
      );
      await nc.flush();

      const call = callOperation(caller, work, {}, ctx(), { timeoutMs: 3_000 });
      await started;
      await served.stop();
      const stoppedAt = performance.now();

      expect(finishedAt).toBeGreaterThan(0);
      expect(stoppedAt).toBeGreaterThanOrEqual(finishedAt);
      await expect(call).resolves.toEqual({ done: true });
      const after = await failure(callOperation(caller, work, {}, ctx(), { timeoutMs: 1_000 }));
      expect(after).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    } finally {
      await nc.drain();
      await caller.drain();
    }
  });
});
