/**
 * Machines for the simulator: created through the gateway as a platform admin (a branch
 * "Simulator" unless one is named), their credentials kept in a file (mode 0600: they hold
 * secrets) and reused on the next run as long as the platform still knows them.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ApiError, callApi, fetchMachineToken } from './http.ts';
import { kindOf, machineTypeOf, SIM_KINDS, type SimKind } from './metrics.ts';
import type { SimMachineCredentials } from './sim-machine.ts';

export interface AdminCredentials {
  email: string;
  password: string;
}

export interface StoredMachine extends SimMachineCredentials {
  name: string;
  kind: SimKind;
}

export interface CredentialsFile {
  /** The gateway the machines were created through (for the reader: reuse is decided by asking). */
  gatewayUrl: string;
  branchId: string;
  machines: StoredMachine[];
}

export const DEFAULT_BRANCH_NAME = 'Simulator';

/**
 * The platform admin to provision with: given explicitly, else PLATFORM_ADMIN_EMAIL /
 * PLATFORM_ADMIN_PASSWORD, else the local admin `pnpm start` writes to `<dataDir>/dev-admin.json`.
 */
export function findAdmin(
  given: Partial<AdminCredentials>,
  env: NodeJS.ProcessEnv,
  dataDir: string,
): AdminCredentials | undefined {
  if (given.email && given.password) return { email: given.email, password: given.password };
  if (env.PLATFORM_ADMIN_EMAIL && env.PLATFORM_ADMIN_PASSWORD)
    return { email: env.PLATFORM_ADMIN_EMAIL, password: env.PLATFORM_ADMIN_PASSWORD };
  const file = join(resolve(dataDir), 'dev-admin.json');
  if (!existsSync(file)) return undefined;
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<AdminCredentials>;
  return stored.email && stored.password ? { email: stored.email, password: stored.password } : undefined;
}

export async function login(gatewayUrl: string, credentials: AdminCredentials): Promise<string> {
  const answer = await callApi<{ accessToken: string }>(gatewayUrl, 'POST', '/v1/auth/login', {
    body: { login: credentials.email, password: credentials.password },
  });
  return answer.accessToken;
}

/** The branch called `name`, opened if there is none. */
export async function ensureBranch(gatewayUrl: string, token: string, name: string): Promise<string> {
  let cursor: string | null = null;
  do {
    const query: string = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: { items: { id: string; name: string }[]; nextCursor: string | null } = await callApi(
      gatewayUrl,
      'GET',
      `/v1/branches${query}`,
      { token },
    );
    const found = page.items.find((b) => b.name === name);
    if (found) return found.id;
    cursor = page.nextCursor;
  } while (cursor);
  const created = await callApi<{ id: string }>(gatewayUrl, 'POST', '/v1/branches', {
    token,
    body: { name, address: '1 Simulated Street' },
  });
  return created.id;
}

/** Creates `count` machines in a branch, `concurrency` requests at a time, numbered from `firstIndex`. */
export async function createMachines(
  gatewayUrl: string,
  token: string,
  branchId: string,
  count: number,
  options: { firstIndex?: number; concurrency?: number; onProgress?: (done: number) => void } = {},
): Promise<StoredMachine[]> {
  const firstIndex = options.firstIndex ?? 0;
  const created: StoredMachine[] = new Array(count);
  let nextIndex = 0;
  let done = 0;
  const worker = async () => {
    while (nextIndex < count) {
      const i = nextIndex++;
      const number = firstIndex + i + 1;
      const kind = kindOf(firstIndex + i);
      const name = `Sim ${kind} ${String(number).padStart(2, '0')}`;
      const answer = await callApi<{ credentials: { machineId: string; secret: string } }>(
        gatewayUrl,
        'POST',
        `/v1/branches/${branchId}/machines`,
        {
          token,
          body: { name, type: machineTypeOf[kind], location: `Floor ${1 + (Math.floor(i / 20) % 3)}` },
        },
      );
      created[i] = { ...answer.credentials, name, kind };
      options.onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return created;
}

export function loadCredentials(file: string): CredentialsFile | undefined {
  if (!existsSync(file)) return undefined;
  const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<CredentialsFile>;
  if (!data.gatewayUrl || !data.branchId || !Array.isArray(data.machines)) return undefined;
  return data as CredentialsFile;
}

export function saveCredentials(file: string, data: CredentialsFile): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * Machine credentials given by the user: `[{ machineId, secret, name?, kind? }]`, or an object with
 * such a `machines` array (the format of .data/sim-machines.json).
 */
export function readMachinesFile(file: string): SimMachineCredentials[] {
  const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const list = Array.isArray(data) ? data : (data as { machines?: unknown }).machines;
  if (!Array.isArray(list) || list.length === 0) throw new Error(`${file} lists no machines`);
  return list.map((entry: unknown, i) => {
    const m = entry as Partial<StoredMachine>;
    if (typeof m.machineId !== 'string' || typeof m.secret !== 'string')
      throw new Error(`${file}: machine ${i + 1} needs a machineId and a secret`);
    const kind = SIM_KINDS.includes(m.kind as SimKind) ? (m.kind as SimKind) : kindOf(i);
    return { machineId: m.machineId, secret: m.secret, kind, name: m.name ?? `Machine ${i + 1}` };
  });
}

export interface ProvisionOptions {
  gatewayUrl: string;
  count: number;
  /** Where credentials are kept and reused (e.g. .data/sim-machines.json). */
  file: string;
  /** Asked for only when machines must be created. */
  admin: () => AdminCredentials | undefined;
  /** Provision in this branch instead of "Simulator". */
  branchId?: string;
  log?: (message: string) => void;
}

/**
 * `count` machines: those in `file` if the platform still knows them, plus as many new ones as
 * are missing (created as the platform admin), written back to `file`.
 */
export async function provisionMachines(
  options: ProvisionOptions,
): Promise<{ branchId: string; machines: StoredMachine[] }> {
  const log = options.log ?? (() => {});
  let stored = loadCredentials(options.file);
  if (stored && options.branchId && stored.branchId !== options.branchId) {
    log(`${options.file} holds machines of another branch; creating new ones in ${options.branchId}`);
    stored = undefined;
  } else if (stored && !(await stillKnown(options.gatewayUrl, stored.machines[0]))) {
    log(`${options.file} holds machines this platform does not know (a fresh .data?); creating new ones`);
    stored = undefined;
  }
  if (stored && stored.machines.length >= options.count)
    return { branchId: stored.branchId, machines: stored.machines.slice(0, options.count) };

  const admin = options.admin();
  if (!admin)
    throw new Error(
      'machines must be created, which needs a platform admin: pass --admin-email and --admin-password, ' +
        'set PLATFORM_ADMIN_EMAIL and PLATFORM_ADMIN_PASSWORD, or use the local admin that `pnpm start` ' +
        'writes to .data/dev-admin.json in development',
    );
  const token = await login(options.gatewayUrl, admin);
  const branchId =
    stored?.branchId ??
    options.branchId ??
    (await ensureBranch(options.gatewayUrl, token, DEFAULT_BRANCH_NAME));
  const have = stored?.machines ?? [];
  log(`creating ${options.count - have.length} machine(s) in branch ${branchId}`);
  const added = await createMachines(options.gatewayUrl, token, branchId, options.count - have.length, {
    firstIndex: have.length,
  });
  const data = { gatewayUrl: options.gatewayUrl, branchId, machines: [...have, ...added] };
  saveCredentials(options.file, data);
  log(`credentials of ${data.machines.length} machine(s) kept in ${options.file}`);
  return { branchId, machines: data.machines.slice(0, options.count) };
}

/** Whether the platform still accepts these credentials (it forgets them when its data is reset). */
async function stillKnown(gatewayUrl: string, machine: StoredMachine | undefined): Promise<boolean> {
  if (!machine) return false;
  try {
    await fetchMachineToken(gatewayUrl, machine);
    return true;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 400)) return false;
    throw error;
  }
}
