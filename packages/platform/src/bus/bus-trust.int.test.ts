import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { defineOperation, type RequestContext } from '@nxg/contracts';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedAs, silentLogger, testBackends, testServiceKey, uniqueSuffix } from '../test-support.ts';
import { BusIdentity, SIGNATURE_HEADER } from './bus-identity.ts';
import { SIGNATURE_WINDOW_MS, signRequest } from './request-signature.ts';
import { bind, callOperation, serveOperations, type ServedOperations } from './rpc.ts';

const service = `trust${uniqueSuffix()}`;
const http = { method: 'POST', path: '/trust', status: 200 } as const;

/** A write only an admin may do. */
const createThing = defineOperation(service, 'things.create', {
  summary: 'Creates a thing',
  http,
  access: ['platform_admin'],
  body: Type.Object({ name: Type.String() }, { additionalProperties: false }),
  output: Type.Object({ created: Type.String() }),
});
/** Internal: only `scheduler` may call it. */
const sign = defineOperation(service, 'tokens.sign', {
  summary: 'Signs something for the scheduler',
  access: [],
  callers: ['scheduler'],
  output: Type.Object({ signed: Type.Boolean() }),
});
/** Role-checked, and callable by `reporter` on its own behalf. */
const lookup = defineOperation(service, 'things.get', {
  summary: 'Reads a thing',
  http,
  access: ['member'],
  callers: ['reporter'],
  output: Type.Object({ found: Type.Boolean() }),
});

const admin: RequestContext = {
  requestId: 'r-admin',
  userId: 'admin-1',
  roles: ['platform_admin'],
  branchRoles: {},
};
const member: RequestContext = {
  requestId: 'r-member',
  userId: 'member-1',
  roles: ['member'],
  branchRoles: {},
};
const system: RequestContext = { requestId: 'r-system', roles: [], branchRoles: {} };
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('who may use an operation over NATS', () => {
  let raw: NatsConnection;
  let served: ServedOperations;
  const created: string[] = [];

  beforeAll(async () => {
    raw = await connect({ servers: testBackends.natsUrl });
    served = serveOperations(
      signedAs(raw, service),
      [
        bind(createThing, async ({ name }) => {
          created.push(name);
          return { created: name };
        }),
        bind(sign, async () => ({ signed: true })),
        bind(lookup, async () => ({ found: true })),
      ],
      silentLogger,
    );
    await raw.flush();
  });
  afterAll(async () => {
    await served?.stop();
    await raw?.drain();
  });

  /** A request sent by hand: what a client on NATS without the key (or with a stolen frame) can do. */
  const sendRaw = async (payload: Uint8Array, headers = natsHeaders()) =>
    (await raw.request(createThing.subject, payload, { timeout: 2000, headers })).json<{
      ok: boolean;
      error?: { status: number; code: string };
    }>();

  it('refuses an unsigned request with a forged admin context, and writes nothing', async () => {
    const reply = await sendRaw(encode({ ctx: admin, body: { name: 'forged' } }));
    expect(reply).toMatchObject({ ok: false, error: { status: 401, code: 'UNTRUSTED_CALLER' } });
    expect(created).not.toContain('forged');
  });

  it('refuses a request signed with a key not derived from the platform key', async () => {
    const stranger = new BusIdentity(Buffer.alloc(32, 7), 'gateway');
    const payload = encode({ ctx: admin, body: { name: 'stranger' } });
    const reply = await sendRaw(payload, signRequest(stranger, createThing.subject, payload));
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_CALLER' } });
    expect(created).not.toContain('stranger');
  });

  it('refuses a replayed request signed outside the time window', async () => {
    const gateway = new BusIdentity(testServiceKey, 'gateway');
    const payload = encode({ ctx: admin, body: { name: 'replayed' } });
    const old = Date.now() - SIGNATURE_WINDOW_MS - 5_000;
    const reply = await sendRaw(
      payload,
      signRequest(gateway, createThing.subject, payload, natsHeaders(), old),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_CALLER' } });
    const future = Date.now() + SIGNATURE_WINDOW_MS + 5_000;
    const ahead = await sendRaw(
      payload,
      signRequest(gateway, createThing.subject, payload, natsHeaders(), future),
    );
    expect(ahead).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_CALLER' } });
    expect(created).not.toContain('replayed');
  });

  it('refuses a tampered body sent with the original signature', async () => {
    const gateway = new BusIdentity(testServiceKey, 'gateway');
    const original = encode({ ctx: member, body: { name: 'original' } });
    const headers = signRequest(gateway, createThing.subject, original);
    const tampered = encode({ ctx: admin, body: { name: 'original' } });
    const reply = await sendRaw(tampered, headers);
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_CALLER' } });
    // The same signature on another operation's subject is no good either.
    const elsewhere = await raw.request(lookup.subject, original, { timeout: 2000, headers });
    expect(elsewhere.json()).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_CALLER' } });
    expect(created).toEqual([]);
  });

  it('takes a member or admin context only from a service that vouches for users', async () => {
    const workout = signedAs(raw, 'workout');
    await expect(
      callOperation(workout, createThing, { name: 'by-workout' }, admin, { timeoutMs: 2000 }),
    ).rejects.toMatchObject({ status: 403, code: 'CALLER_NOT_ALLOWED' });
    const hub = signedAs(raw, 'machine-hub');
    await expect(
      callOperation(
        hub,
        createThing,
        { name: 'as-machine' },
        { ...system, userId: 'm1', roles: ['machine'] },
        {
          timeoutMs: 2000,
        },
      ),
    ).rejects.toMatchObject({ status: 403 });
    expect(created).toEqual([]);
  });

  it("checks the context's roles in the service, as the gateway does", async () => {
    const gateway = signedAs(raw, 'gateway');
    await expect(
      callOperation(gateway, createThing, { name: 'by-member' }, member, { timeoutMs: 2000 }),
    ).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    await expect(
      callOperation(gateway, createThing, { name: 'by-admin' }, admin, { timeoutMs: 2000 }),
    ).resolves.toEqual({ created: 'by-admin' });
    expect(created).toEqual(['by-admin']);
  });

  it('serves an internal operation to its declared callers only', async () => {
    await expect(
      callOperation(signedAs(raw, 'scheduler'), sign, {}, system, { timeoutMs: 2000 }),
    ).resolves.toEqual({
      signed: true,
    });
    for (const caller of ['gateway', 'workout']) {
      await expect(
        callOperation(signedAs(raw, caller), sign, {}, system, { timeoutMs: 2000 }),
      ).rejects.toMatchObject({ status: 403, code: 'CALLER_NOT_ALLOWED' });
    }
  });

  it('lets a service call a role-checked operation on its own behalf only if the operation names it', async () => {
    await expect(
      callOperation(signedAs(raw, 'reporter'), lookup, {}, system, { timeoutMs: 2000 }),
    ).resolves.toEqual({
      found: true,
    });
    await expect(
      callOperation(signedAs(raw, 'gateway'), lookup, {}, system, { timeoutMs: 2000 }),
    ).rejects.toMatchObject({ status: 403, code: 'CALLER_NOT_ALLOWED' });
  });
});

describe('answers a caller takes', () => {
  let raw: NatsConnection;

  beforeAll(async () => {
    raw = await connect({ servers: testBackends.natsUrl });
  });
  afterAll(async () => raw?.drain());

  it('ignores a rogue responder and takes the real service’s signed answer', async () => {
    const real = defineOperation(`real${uniqueSuffix()}`, 'keys', {
      summary: 'Public keys',
      http,
      access: 'public',
      output: Type.Object({ key: Type.String() }),
    });
    // The rogue answers at once, with an unsigned reply and one it signed as itself.
    const rogue = raw.subscribe(real.subject, {
      callback: (_error, msg) => {
        const forged = encode({ ok: true, data: { key: 'rogue' } });
        msg.respond(forged);
        const h = natsHeaders();
        h.set(SIGNATURE_HEADER, new BusIdentity(Buffer.alloc(32, 1), real.service).sign('x', forged));
        msg.respond(forged, { headers: h });
      },
    });
    const served = serveOperations(
      signedAs(raw, real.service),
      [
        bind(real, async () => {
          await new Promise((r) => setTimeout(r, 100)); // answers after the rogue
          return { key: 'real' };
        }),
      ],
      silentLogger,
    );
    try {
      await raw.flush();
      const answer = await callOperation(signedAs(raw, 'gateway'), real, {}, system, { timeoutMs: 3000 });
      expect(answer).toEqual({ key: 'real' });
    } finally {
      rogue.unsubscribe();
      await served.stop();
    }
  });

  it('times out rather than take an answer signed by another service', async () => {
    const op = defineOperation(`alone${uniqueSuffix()}`, 'keys', {
      summary: 'Public keys',
      http,
      access: 'public',
      output: Type.Object({ key: Type.String() }),
    });
    // Workout (holding a valid key of its own) pretends to be the service.
    const sub = raw.subscribe(op.subject, {
      callback: (_error, msg) => {
        const payload = encode({ ok: true, data: { key: 'impostor' } });
        const h = natsHeaders();
        h.set(SIGNATURE_HEADER, new BusIdentity(testServiceKey, 'workout').sign('anything', payload));
        msg.respond(payload, { headers: h });
      },
    });
    try {
      await raw.flush();
      await expect(
        callOperation(signedAs(raw, 'gateway'), op, {}, system, { timeoutMs: 500 }),
      ).rejects.toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT' });
    } finally {
      sub.unsubscribe();
    }
  });

  it('refuses to serve another service’s operations (its answers would be ignored)', () => {
    expect(() =>
      serveOperations(signedAs(raw, 'workout'), [bind(sign, async () => ({ signed: true }))], silentLogger),
    ).toThrow(/cannot serve/);
  });
});
