import { apiClient, type ApiClient } from './http-client.ts';
import type { TestPlatform } from './platform.ts';
import { connectMachine, type SocketClient } from './socket-client.ts';

import { fixtureSecrets } from './fixture-secrets.ts';

export { fixtureSecrets, typedPasswords } from './fixture-secrets.ts';

/** The platform admin identity creates at start when given `adminEnv`. */
export const platformAdmin = { email: 'root@nxg.test', password: fixtureSecrets.adminPassword };

/** Identity's variables that create `platformAdmin`: `startPlatform({ env: { identity: adminEnv } })`. */
export const adminEnv = {
  PLATFORM_ADMIN_EMAIL: platformAdmin.email,
  PLATFORM_ADMIN_PASSWORD: platformAdmin.password,
};

/** A branch opened by the platform admin, with the admin's token to manage it. */
export interface Gym {
  api: ApiClient;
  adminToken: string;
  branchId: string;
}

/** Signs the admin in through the (first) gateway and opens a branch. */
export async function openGym(
  platform: TestPlatform,
  name = 'Test Gym',
  api = apiClient(platform.gatewayUrl),
): Promise<Gym> {
  const login = await api.post('/v1/auth/login', {
    login: platformAdmin.email,
    password: platformAdmin.password,
  });
  if (login.status !== 200)
    throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const adminToken = login.body.accessToken as string;
  const branch = await api.post(
    '/v1/branches',
    { name: `${name} ${Date.now()}`, address: '1 Gym Road' },
    adminToken,
  );
  if (branch.status !== 201)
    throw new Error(`opening a branch failed: ${branch.status} ${JSON.stringify(branch.body)}`);
  return { api, adminToken, branchId: branch.body.id as string };
}

export interface OnlineMachine {
  machine: SocketClient;
  machineId: string;
  secret: string;
  machineToken: string;
  /** The `welcome` frame the hub answered `hello` with. */
  welcome: Record<string, unknown>;
}

/**
 * A machine added to the gym, signed in with its credentials, connected to a hub and greeted.
 * `heartbeats` keeps it alive past the heartbeat window for tests that take longer.
 */
export async function onlineMachine(
  platform: TestPlatform,
  gym: Gym,
  options: {
    name?: string;
    type?: 'cardio' | 'strength' | 'functional';
    hub?: number;
    heartbeats?: boolean;
  } = {},
): Promise<OnlineMachine> {
  const { api, adminToken, branchId } = gym;
  const created = await api.post(
    `/v1/branches/${branchId}/machines`,
    { name: options.name ?? `Machine ${Date.now()}`, type: options.type ?? 'cardio', location: 'Floor 1' },
    adminToken,
  );
  if (created.status !== 201)
    throw new Error(`adding a machine failed: ${created.status} ${JSON.stringify(created.body)}`);
  const { machineId, secret } = created.body.credentials as { machineId: string; secret: string };
  const token = await api.post('/v1/machines/token', { machineId, secret });
  if (token.status !== 200)
    throw new Error(`machine token refused: ${token.status} ${JSON.stringify(token.body)}`);
  const machineToken = token.body.accessToken as string;
  const machine = connectMachine(platform.hubUrls[options.hub ?? 0]!, machineToken);
  await machine.opened;
  const hello = machine.send({ type: 'hello', firmware: '1.2.3', capabilities: ['telemetry', 'qr'] });
  const welcome = await machine.next((m) => m.type === 'welcome');
  await machine.reply(hello.id);
  if (options.heartbeats) {
    const keepAlive = setInterval(() => machine.send({ type: 'heartbeat' }), 1000);
    void machine.closed.then(() => clearInterval(keepAlive));
  }
  return { machine, machineId, secret, machineToken, welcome };
}

/** The machine's current QR code, as a member's phone would scan it. */
export async function scanQr(machine: SocketClient): Promise<string> {
  machine.send({ type: 'qr.request' });
  return (await machine.next((m) => m.type === 'qr')).token as string;
}

/** Links a member to the machine by its QR code and waits for the machine to hear of it. */
export async function linkMember(
  api: ApiClient,
  machine: SocketClient,
  memberToken: string,
): Promise<{ linkId: string }> {
  const linked = await api.post('/v1/machines/link', { qrToken: await scanQr(machine) }, memberToken);
  if (linked.status !== 200) throw new Error(`link failed: ${linked.status} ${JSON.stringify(linked.body)}`);
  const linkId = linked.body.linkId as string;
  await machine.next((m) => m.type === 'linked' && m.linkId === linkId);
  return { linkId };
}
