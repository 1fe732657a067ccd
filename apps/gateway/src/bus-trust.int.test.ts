import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { hubMachineSubject, identity, liveSubjects, workout, type RequestContext } from '@nxg/contracts';
import { callOperation, publishSigned } from '@nxg/platform';
import {
  adminEnv,
  connectLive,
  onlineMachine,
  openGym,
  platformAdmin,
  registerMember,
  usePlatform,
} from '@nxg/testing';
import { describe, expect, it } from 'vitest';

const { platform, api } = usePlatform({
  replicas: { 'machine-hub': 1, workout: 1 },
  env: { identity: adminEnv },
});

const system: RequestContext = { requestId: 'bus-trust', roles: [], branchRoles: {} };

/** What a client on NATS without the platform's key gets for a request it wrote itself. */
async function rawRequest(subject: string, envelope: unknown) {
  const reply = await platform.nc.request(subject, JSON.stringify(envelope), { timeout: 5000 });
  return reply.json<{ ok: boolean; error?: { status: number; code: string } }>();
}

describe('a NATS client without the platform key', () => {
  it('cannot open a branch as a forged platform admin', async () => {
    const admin = (
      await api.post('/v1/auth/login', { login: platformAdmin.email, password: platformAdmin.password })
    ).body;
    const name = `Forged ${Date.now()}`;
    const reply = await rawRequest(identity.createBranch.subject, {
      ctx: {
        requestId: 'forged',
        userId: admin.user.id,
        roles: ['member', 'platform_admin'],
        branchRoles: {},
      },
      body: { name, address: '1 Intruder Lane' },
    });
    expect(reply).toMatchObject({ ok: false, error: { status: 401, code: 'UNTRUSTED_CALLER' } });
    const branches = await api.get('/v1/branches?limit=100', admin.accessToken);
    expect(branches.status).toBe(200);
    expect(branches.body.items.map((b: { name: string }) => b.name)).not.toContain(name);
  });

  it('cannot log a workout for a member', async () => {
    const member = await registerMember(api);
    const reply = await rawRequest(workout.logWorkout.subject, {
      ctx: { requestId: 'forged', userId: member.user.id, roles: ['member'], branchRoles: {} },
      body: { exerciseId: 'leg-press', reps: 10, weightKg: 80 },
    });
    expect(reply).toMatchObject({ ok: false, error: { status: 401, code: 'UNTRUSTED_CALLER' } });
    const logs = await api.get('/v1/workouts/logs', member.accessToken);
    expect(logs.body.items).toEqual([]);
  });

  it('cannot have a machine token signed', async () => {
    const reply = await rawRequest(identity.issueMachineToken.subject, {
      ctx: system,
      body: { machineId: randomUUID(), branchId: randomUUID() },
    });
    expect(reply).toMatchObject({ ok: false, error: { status: 401, code: 'UNTRUSTED_CALLER' } });
  });
});

describe('the live feed', () => {
  it('relays what a platform service signed, never a message a NATS client forged', async () => {
    const member = await registerMember(api);
    const live = connectLive(platform.gatewayUrl, member.accessToken);
    try {
      await live.next((m) => m.type === 'ready');
      const subject = liveSubjects.user(member.user.id);
      const message = (text: string) =>
        JSON.stringify({ type: 'linked', at: new Date().toISOString(), data: { text } });
      platform.nc.publish(subject, message('forged'));
      publishSigned(platform.busAs('machine-hub'), subject, message('genuine'));
      await live.next((m) => m.type === 'linked');
      const texts = live.received
        .filter((m) => m.type === 'linked')
        .map((m) => (m.data as { text: string }).text);
      expect(texts).toEqual(['genuine']);
    } finally {
      live.close();
    }
  });
});

describe('commands between hub replicas', () => {
  it('reach a machine only when a hub replica signed them', async () => {
    const { machine, machineId } = await onlineMachine(platform, await openGym(platform));
    try {
      const linked = (userId: string, displayName: string) =>
        JSON.stringify({ type: 'linked', linkId: randomUUID(), userId, displayName });
      // A forged link would have the machine's sets logged for whoever the intruder names.
      platform.nc.publish(hubMachineSubject(machineId), linked(randomUUID(), 'Intruder'));
      publishSigned(
        platform.busAs('machine-hub'),
        hubMachineSubject(machineId),
        linked(randomUUID(), 'Grace'),
      );
      const frame = await machine.next((m) => m.type === 'linked');
      expect(frame.member).toEqual({ displayName: 'Grace' });
    } finally {
      machine.close();
    }
  });
});

describe('internal operations', () => {
  it('sign a machine token for machine-hub only, and that token is no member token', async () => {
    const { branchId } = await openGym(platform);
    const body = { machineId: randomUUID(), branchId };
    await expect(
      callOperation(platform.busAs('workout'), identity.issueMachineToken, body, system, { timeoutMs: 5000 }),
    ).rejects.toMatchObject({ status: 403, code: 'CALLER_NOT_ALLOWED' });
    await expect(
      callOperation(platform.busAs('gateway'), identity.issueMachineToken, body, system, { timeoutMs: 5000 }),
    ).rejects.toMatchObject({ status: 403, code: 'CALLER_NOT_ALLOWED' });
    const signed = await callOperation(
      platform.busAs('machine-hub'),
      identity.issueMachineToken,
      body,
      system,
      {
        timeoutMs: 5000,
      },
    );
    expect(signed.accessToken).toEqual(expect.any(String));
    const asMember = await api.get('/v1/me', signed.accessToken);
    expect(asMember.status).toBe(401);
    expect(asMember.body.code).toBe('TOKEN_INVALID');
  });

  it("give a member's planned exercises to machine-hub only", async () => {
    const member = await registerMember(api);
    const ctx = { ...system, userId: member.user.id, roles: ['member'] };
    const body = { userId: member.user.id, machineType: 'cardio' };
    await expect(
      callOperation(platform.busAs('gateway'), workout.plannedForMachine, body, ctx, { timeoutMs: 5000 }),
    ).rejects.toMatchObject({ status: 403, code: 'CALLER_NOT_ALLOWED' });
    await expect(
      callOperation(platform.busAs('machine-hub'), workout.plannedForMachine, body, ctx, { timeoutMs: 5000 }),
    ).resolves.toMatchObject({ exercises: expect.any(Array) });
  });
});

describe('a rogue responder on the JWKS subject', () => {
  it('does not make the gateway take a token signed with its key', async () => {
    const member = await registerMember(api);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = `rogue-${randomUUID()}`;
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
    const rogue = platform.nc.subscribe(identity.jwks.subject, {
      callback: (_error, msg) => void msg.respond(JSON.stringify({ ok: true, data: { keys: [jwk] } })),
    });
    try {
      await platform.nc.flush();
      // A gateway starting now asks for the keys with the rogue listening (and answering first).
      await platform.services.gateway![0]!.restart();
      const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const signingInput = `${b64({ alg: 'RS256', kid, typ: 'at+jwt' })}.${b64({
        sub: member.user.id,
        jti: randomUUID(),
        sid: randomUUID(),
        typ: 'access',
        roles: ['member', 'platform_admin'],
        br: {},
        iss: 'nxg-identity',
        aud: 'nxg',
        iat: now,
        exp: now + 300,
      })}`;
      const forged = `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
      const response = await api.get('/v1/me', forged);
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('TOKEN_INVALID');
      // Identity's own keys were taken: the member's real token works.
      expect((await api.get('/v1/me', member.accessToken)).status).toBe(200);
    } finally {
      rogue.unsubscribe();
    }
  });
});
