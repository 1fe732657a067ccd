import pg from 'pg';
import {
  apiClient,
  readEvents,
  registerMember,
  startPlatform,
  waitFor,
  type ApiClient,
  type TestPlatform,
} from '@nxg/testing';
import { serviceManifest } from '@nxg/contracts';
import { MemberLoad, type LoadMember } from './member-load.ts';
import { startOwnNats, type OwnNats } from './own-nats.ts';

/** `kill:<service>` for each service of the manifest, a NATS server restart, PostgreSQL connections cut. */
export type Fault = `kill:${string}` | 'nats-restart' | 'postgres-connections';

export const allFaults = (): Fault[] => [
  ...serviceManifest.map((s) => `kill:${s.name}` as Fault),
  'nats-restart',
  'postgres-connections',
];

export interface ChaosOptions {
  faults: Fault[];
  members: number;
  /** Load before each fault, and how long a killed server stays down. */
  settleMs: number;
  downMs: number;
  log: (line: string) => void;
}

export interface FaultResult {
  fault: Fault;
  /** From the fault until the server is back (restarted and ready). */
  backMs: number;
  /** From the fault until a write is acknowledged after the server is back; undefined: never. */
  recoveredMs: number | undefined;
}

export interface ChaosReport {
  faults: FaultResult[];
  writesAcknowledged: number;
  /** Writes still unanswered when the load stopped (the client gave up; stored or not, both fine). */
  writesUnanswered: number;
  setsStored: number;
  lost: number;
  duplicated: number;
  eventsMissing: number;
  eventsDoubled: number;
  /** Sets in analytics' read model against sets stored, summed over the members (-1: unreadable). */
  readModelSets: number;
  /** Why analytics' figures could not be read at the end (status and body), if so. */
  readModelFailure?: string;
  readsOk: number;
  readsFailed: number;
  unexpected: string[];
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the platform (every service of the manifest as a real process, on a NATS server of its
 * own), puts members' load on it, injects the faults one after another, then audits: every
 * acknowledged write stored once, every stored set announced once on the stream and counted once
 * by analytics.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const nats = await startOwnNats();
  let platform: TestPlatform | undefined;
  try {
    platform = await startPlatform({
      processes: true,
      nats: { url: nats.url },
      replicas: Object.fromEntries(serviceManifest.map((s) => [s.name, 1])),
      env: { gateway: { RATE_LIMIT_MAX: '1000000' } },
    });
    const api = apiClient(platform.gatewayUrl);
    const members: LoadMember[] = [];
    for (let i = 0; i < options.members; i++) {
      const member = await registerMember(api);
      members.push({ id: member.user.id, token: member.accessToken });
    }
    const since = new Date();
    const load = new MemberLoad(api, members);
    load.start();
    const faults: FaultResult[] = [];
    for (const fault of options.faults) {
      await pause(options.settleMs);
      const result = await inject(fault, platform, nats, load, options);
      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      options.log(
        `${fault.padEnd(24)} back in ${seconds(result.backMs).padStart(6)}, ${result.recoveredMs === undefined ? 'no write acknowledged since' : `writes acknowledged again after ${seconds(result.recoveredMs)}`}`,
      );
      faults.push(result);
    }
    await pause(options.settleMs);
    await load.stop();
    return { faults, ...(await audit(platform, api, members, load, since)) };
  } finally {
    await platform?.stop().catch(() => {});
    await nats.close();
  }
}

async function inject(
  fault: Fault,
  platform: TestPlatform,
  nats: OwnNats,
  load: MemberLoad,
  options: ChaosOptions,
): Promise<FaultResult> {
  const faultAt = Date.now();
  if (fault === 'nats-restart') {
    await nats.kill();
    await pause(options.downMs);
    await nats.start();
  } else if (fault === 'postgres-connections') {
    await cutDatabaseConnections(platform);
  } else {
    const service = platform.services[fault.slice('kill:'.length)]?.[0];
    if (!service) throw new Error(`no running service for ${fault}`);
    await service.kill();
    await pause(options.downMs);
    await service.restart();
  }
  const backAt = Date.now();
  const ack = await load.firstAckAfter(backAt, 60_000);
  return { fault, backMs: backAt - faultAt, recoveredMs: ack === undefined ? undefined : ack - faultAt };
}

/** Ends every connection the platform's services hold to PostgreSQL, as a failover would. */
async function cutDatabaseConnections(platform: TestPlatform): Promise<void> {
  const url = platform.backends.databaseUrl;
  if (!url) throw new Error('postgres-connections needs DATABASE_URL (PGlite has no connections to cut)');
  const databases = Object.values(platform.services)
    .flat()
    .map((s) => s.env.DATABASE_NAME)
    .filter((name): name is string => Boolean(name));
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()',
      [databases],
    );
  } finally {
    await admin.end();
  }
}

async function listSetIds(api: ApiClient, member: LoadMember): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await api.get(
      `/v1/workouts/logs?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      member.token,
    );
    if (page.status !== 200) throw new Error(`listing sets: ${page.status}`);
    const body = page.body as { items: Array<{ id: string }>; nextCursor: string | null };
    ids.push(...body.items.map((item) => item.id));
    cursor = body.nextCursor;
  } while (cursor);
  return ids;
}

/** The member's sets as analytics counts them, or why it could not tell. */
async function readModelSets(api: ApiClient, member: LoadMember): Promise<number | string> {
  const summary = await api.get('/v1/analytics/workouts?period=week', member.token);
  if (summary.status === 200) return (summary.body as { totals: { sets: number } }).totals.sets;
  return `${summary.status} ${JSON.stringify(summary.body)}`;
}

async function audit(
  platform: TestPlatform,
  api: ApiClient,
  members: LoadMember[],
  load: MemberLoad,
  since: Date,
): Promise<Omit<ChaosReport, 'faults'>> {
  const stored = new Set<string>();
  for (const member of members) for (const id of await listSetIds(api, member)) stored.add(id);
  const acknowledged = load.writes.filter((w) => w.logId !== undefined);
  const unanswered = load.writes.length - acknowledged.length;
  const lost = acknowledged.filter((w) => !stored.has(w.logId!)).length;
  // Each write was sent under one key until acknowledged: a set beyond those is a second effect.
  const duplicated = Math.max(0, stored.size - acknowledged.length - unanswered);

  // The relay publishes what is committed; give it the time to drain before counting.
  const count = new Map<string, number>();
  await waitFor(
    async () => {
      const events = await readEvents(platform.nc, {
        stream: 'WORKOUT',
        subject: 'workout.exercise.logged',
        since,
        quietMs: 1500,
      });
      count.clear();
      for (const event of events) {
        const logId = (event.data as { logId: string }).logId;
        count.set(logId, (count.get(logId) ?? 0) + 1);
      }
      return [...stored].every((id) => count.has(id));
    },
    30_000,
    500,
  ).catch(() => undefined);
  const eventsMissing = [...stored].filter((id) => !count.has(id)).length;
  const eventsDoubled = [...count.values()].filter((n) => n > 1).length;

  // Analytics may lag far behind after a loaded run: wait while it makes progress, not a fixed time.
  let modelSets = -1;
  let readModelFailure: string | undefined;
  let progressAt = Date.now();
  for (;;) {
    let now = 0;
    readModelFailure = undefined;
    for (const member of members) {
      const sets = await readModelSets(api, member);
      if (typeof sets === 'number') now += sets;
      else readModelFailure = sets;
    }
    if (readModelFailure) now = -1;
    if (now !== modelSets) progressAt = Date.now();
    modelSets = now;
    if (modelSets === stored.size || Date.now() - progressAt > 20_000) break;
    await pause(1000);
  }

  return {
    writesAcknowledged: acknowledged.length,
    writesUnanswered: unanswered,
    setsStored: stored.size,
    lost,
    duplicated,
    eventsMissing,
    eventsDoubled,
    readModelSets: modelSets,
    ...(readModelFailure ? { readModelFailure } : {}),
    readsOk: load.reads.ok,
    readsFailed: load.reads.failed,
    unexpected: load.unexpected,
  };
}

/** Whether the run kept every promise: nothing lost, doubled or missing, every fault recovered. */
export const chaosPassed = (report: ChaosReport) =>
  report.lost === 0 &&
  report.duplicated === 0 &&
  report.eventsMissing === 0 &&
  report.eventsDoubled === 0 &&
  report.readModelSets === report.setsStored &&
  report.unexpected.length === 0 &&
  report.faults.every((f) => f.recoveredMs !== undefined);
