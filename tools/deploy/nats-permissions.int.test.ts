/**
 * Least-privilege NATS (deploy/nats/authorization.conf) on a nats-server of the test's own, with
 * TLS: every service does its real work with its own NKEY and nothing more, and none can publish
 * another's events, answer another's requests or read another's replies and consumers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { consumers, serviceManifest } from '@nxg/contracts';
import { serviceInboxPrefix } from '@nxg/platform';
import {
  adminEnv,
  apiClient,
  connectLive,
  linkMember,
  onlineMachine,
  openGym,
  registerMember,
  startPlatform,
  waitFor,
  type TestPlatform,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeployedServices, repoRoot } from './deployed-services.ts';
import { renderAuthorization, servicePermissions } from './nats-permissions.ts';
import { startSecuredNats, type SecuredNats } from './secured-nats.ts';

let nats: SecuredNats;
let platform: TestPlatform;
const opened: NatsConnection[] = [];

/** A connection that logs in as `user`, the way that service would. */
async function connectAs(user: string): Promise<NatsConnection> {
  const nc = await connect({
    servers: nats.url,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(nats.seeds[user]!)),
    tls: { ca: nats.caPem },
    inboxPrefix: serviceInboxPrefix(user),
  });
  opened.push(nc);
  return nc;
}

/** Resolves with the server's refusal of a subscription, or undefined if it still stands after a flush. */
async function subscriptionRefusal(nc: NatsConnection, subject: string): Promise<string | undefined> {
  const received: string[] = [];
  const sub = nc.subscribe(subject, { callback: (error, msg) => void (error || received.push(msg.subject)) });
  await nc.flush();
  const outcome = await Promise.race([
    sub.closed.then((closed) => (closed instanceof Error ? closed.message : 'closed')),
    new Promise<undefined>((r) => setTimeout(() => r(undefined), 500)),
  ]);
  if (outcome === undefined) sub.unsubscribe();
  return outcome;
}

describe('deploy/nats/authorization.conf', () => {
  it('holds exactly what `pnpm deploy:nats` writes (run it after changing the manifest or contracts)', async () => {
    const verifiesTokens = (await loadDeployedServices()).filter((s) => s.definition.auth).map((s) => s.name);
    expect(readFileSync(join(repoRoot, 'deploy/nats/authorization.conf'), 'utf8')).toBe(
      renderAuthorization({ verifiesTokens }),
    );
  });

  it('gives every service of the manifest a user, and its own operations only', () => {
    for (const { name } of serviceManifest) {
      const { subscribe } = servicePermissions(name, { verifiesTokens: [] });
      expect(subscribe.filter((s) => s.startsWith('svc.'))).toEqual([`svc.${name}.>`]);
    }
  });
});

describe('services on a NATS with deploy/nats permissions and TLS', () => {
  beforeAll(async () => {
    nats = await startSecuredNats();
    const services = Object.fromEntries(
      serviceManifest.map(({ name }) => [name, { NATS_NKEY_SEED: nats.seeds[name]! }]),
    );
    platform = await startPlatform({
      // The root namespace, as in production: the committed file is what is tested.
      nats: {
        url: nats.url,
        prefix: '',
        connect: {
          authenticator: nkeyAuthenticator(new TextEncoder().encode(nats.seeds.provision!)),
          tls: { ca: nats.caPem },
        },
      },
      replicas: Object.fromEntries(serviceManifest.map(({ name }) => [name, 1])),
      env: {
        all: { NATS_TLS_CA: nats.caPem },
        ...services,
        identity: { ...services.identity!, ...adminEnv },
      },
    }).catch((error: Error) => {
      throw new Error(`${error.message}\npermission violations: ${nats.violations().join(', ') || 'none'}`);
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(opened.map((nc) => nc.close().catch(() => {})));
    await platform?.stop();
    await nats?.stop();
  });

  it('still do their real work: the member and machine journeys, events to every consumer, revocation', async () => {
    const api = apiClient(platform.gatewayUrl);
    const gym = await openGym(platform, 'Secured');
    const member = await registerMember(api);
    const token = member.accessToken;
    expect((await api.post('/v1/workouts/plans/generate', { daysPerWeek: 3 }, token)).status).toBe(201);
    expect((await api.post('/v1/sessions/check-in', { branchId: gym.branchId }, token)).status).toBe(201);
    const logged = await api.post(
      '/v1/workouts/logs',
      { exerciseId: 'bench-press', weightKg: 60, reps: 5 },
      token,
    );
    expect(logged.status).toBe(201);
    // Analytics heard of the set through its consumers and answers the gateway's request.
    await waitFor(async () => (await api.get('/v1/me/points', token)).body.total > 0);

    // Machine-hub asks identity for a machine token, greets the member by name, tells workout.
    const { machine, machineId } = await onlineMachine(platform, gym, { heartbeats: true });
    const live = connectLive(platform.gatewayUrl, token);
    await live.opened;
    await linkMember(api, machine, token);
    // The hub's live message reaches the member's feed through the gateway.
    await live.next((m) => m.type === 'linked');
    live.close();
    // A new secret: machine-hub revokes the machine's tokens in the revocation bucket.
    const rotated = await api.post(`/v1/machines/${machineId}/secret`, undefined, gym.adminToken);
    expect(rotated.status).toBe(200);
    machine.close();

    // Every durable consumer, each fetching and acknowledging as its own service, has caught up.
    const jsm = await jetstreamManager(platform.nc);
    await waitFor(async () => {
      for (const c of consumers) {
        const info = await jsm.consumers.info(c.stream, c.durable);
        if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
      }
      return true;
    }, 30_000);
    const linked = await jsm.consumers.info('MACHINES', 'workout_machine_linked');
    expect(linked.delivered.consumer_seq).toBeGreaterThan(0);

    // Identity writes the revocation bucket; the gateway, watching it, refuses the token at once.
    expect((await api.post('/v1/auth/logout', undefined, token)).status).toBe(204);
    await waitFor(async () => (await api.get('/v1/me', token)).status === 401);

    expect(nats.violations(), 'permission violations during the journey').toEqual([]);
  });

  it('let no service publish another’s events', async () => {
    const workout = await connectAs('workout');
    const jsm = await jetstreamManager(platform.nc);
    const before = (await jsm.streams.info('IDENTITY')).state.messages;
    await expect(
      jetstream(workout).publish('identity.user.deleted', '{}', { timeout: 2000 }),
    ).rejects.toThrow(/Permissions Violation for Publish to "identity.user.deleted"/);
    expect((await jsm.streams.info('IDENTITY')).state.messages).toBe(before);
    // Its own stream takes its events.
    await expect(jetstream(workout).publish('workout.probe', '{}')).resolves.toMatchObject({
      stream: 'WORKOUT',
    });
    expect(nats.violations()).toContain('workout Publish identity.user.deleted');
  });

  it('let no service answer another’s requests, while the owner still does', async () => {
    const rogue = await connectAs('workout');
    expect(await subscriptionRefusal(rogue, 'svc.identity.>')).toMatch(
      /Permissions Violation for Subscription/,
    );
    expect(await subscriptionRefusal(rogue, 'svc.identity.me.get')).toMatch(/Permissions Violation/);
    // The owner's own credentials may: a second identity subscriber (no queue group) hears calls.
    const identity = await connectAs('identity');
    const heard: string[] = [];
    identity.subscribe('svc.identity.me.get', {
      callback: (error, msg) => void (error || heard.push(msg.subject)),
    });
    await identity.flush();
    const member = await registerMember(apiClient(platform.gatewayUrl));
    expect((await apiClient(platform.gatewayUrl).get('/v1/me', member.accessToken)).status).toBe(200);
    await waitFor(() => Promise.resolve(heard.length > 0));
  });

  it('let no service read another’s replies, live feeds or consumers, nor call what it is not declared for', async () => {
    const workout = await connectAs('workout');
    expect(await subscriptionRefusal(workout, `${serviceInboxPrefix('gateway')}.>`)).toMatch(/Violation/);
    expect(await subscriptionRefusal(workout, '_INBOX.>')).toMatch(/Violation/);
    expect(await subscriptionRefusal(workout, 'live.user.*')).toMatch(/Violation/);
    await expect(
      workout.request('$JS.API.CONSUMER.MSG.NEXT.IDENTITY.analytics_user_registered', '{"batch":1}', {
        timeout: 2000,
      }),
    ).rejects.toThrow(/Permissions Violation/);
    // identity.tokens.machine is machine-hub's to call.
    await expect(workout.request('svc.identity.tokens.machine', '{}', { timeout: 2000 })).rejects.toThrow(
      /Permissions Violation/,
    );
    // An unknown client is not let in at all.
    await expect(connect({ servers: nats.url, tls: { ca: nats.caPem }, reconnect: false })).rejects.toThrow(
      /Authorization Violation/i,
    );
  });
});
