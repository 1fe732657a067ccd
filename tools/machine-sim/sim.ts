/**
 * `pnpm sim`: simulated gym machines against a running platform (`pnpm start`), for demos and
 * load. `pnpm sim --demo` links a demo member to a simulated treadmill and prints the member's live
 * feed. `pnpm sim --help` for the options.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoMember, linkByQr, unlinkMember, type SignedInMember } from './demo-member.ts';
import { ApiError, onRateLimited, wsUrl } from './http.ts';
import { LiveFeed } from './live-feed.ts';
import { formatLiveMessage } from './live-format.ts';
import { findAdmin, provisionMachines, readMachinesFile } from './provision.ts';
import type { SimMachine, SimMachineCredentials, SimMachineHooks } from './sim-machine.ts';
import { Simulation } from './simulation.ts';

const USAGE = `pnpm sim [options]   simulated gym machines against a running platform (start it with pnpm start)
pnpm sim --demo      one treadmill, a demo member linked to it by its QR code, the member's live feed printed

Machines
  -n, --count <n>              machines to simulate (default 5; 1 with --demo)
      --machines <file>        use these credentials ([{ "machineId", "secret" }, ...]) instead of provisioning
      --branch <id>            provision in this branch (default: the branch "Simulator", opened if missing)
      --admin-email <email>    the platform admin who provisions (default: PLATFORM_ADMIN_EMAIL, else the local
      --admin-password <pw>      admin that pnpm start writes to <data-dir>/dev-admin.json in development)
      --data-dir <dir>         where sim-machines.json keeps credentials for the next run (default: DATA_DIR or .data)

Traffic
      --rate <hz>              telemetry frames a second per linked machine (default 1)
      --set-every <s>          a set.completed about every <s> seconds while linked; 0 for none (default 30)
      --workout <s>            machines end each link after <s> seconds with an unlink frame (default: never)
      --max-frame-rate <n>     frames a second per machine at most, replays included (default 15; the hub allows 20)
      --show-qr                print each QR token as it rotates (a member links with POST /v1/machines/link)

Network trouble (frames are kept until acknowledged and replayed after reconnecting)
      --drop-every <s>         each machine loses its connection about every <s> seconds
      --drop-probability <p>   chance each second that a machine loses its connection (0 to 1)
      --offline <s>            how long a simulated drop lasts (default 2)

Run
      --gateway <url>          the API (default http://localhost:8080, or GATEWAY_PORT)
      --hub <url>              the machine hub (default http://localhost:8081, or MACHINE_HUB_PORT)
      --duration <s>           stop after <s> seconds (default: run until Ctrl-C)
      --status-every <s>       seconds between status lines (default 5)
  -h, --help                   this text

Examples
  pnpm start                        # in one terminal: the platform
  pnpm sim --demo                   # in another: a member's live workout on a simulated treadmill
  pnpm sim -n 50 --drop-every 30    # 50 machines, each losing its network about twice a minute
  pnpm sim -n 3 --show-qr           # link your own member: POST /v1/machines/link {"qrToken": "..."}

Machine tokens (POST /v1/machines/token) share the gateway's login budget, AUTH_RATE_LIMIT_MAX: 30 a
minute per address by default. Beyond that many machines, connections wait their turn; start the
platform with a higher AUTH_RATE_LIMIT_MAX to connect many machines at once.`;

const options = {
  count: { type: 'string', short: 'n' },
  machines: { type: 'string' },
  branch: { type: 'string' },
  'admin-email': { type: 'string' },
  'admin-password': { type: 'string' },
  'data-dir': { type: 'string' },
  rate: { type: 'string' },
  'set-every': { type: 'string' },
  workout: { type: 'string' },
  'max-frame-rate': { type: 'string' },
  'show-qr': { type: 'boolean' },
  'drop-every': { type: 'string' },
  'drop-probability': { type: 'string' },
  offline: { type: 'string' },
  gateway: { type: 'string' },
  hub: { type: 'string' },
  duration: { type: 'string' },
  'status-every': { type: 'string' },
  demo: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

function parse() {
  let values;
  try {
    ({ values } = parseArgs({ options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const number = (
    name: keyof typeof options,
    fallback: number,
    check: (n: number) => boolean,
    what: string,
  ) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value) || !check(value))
      throw new UsageError(`--${name} must be ${what}, not ${String(raw)}`);
    return value;
  };
  const positive = (n: number) => n > 0;
  const env = process.env;
  return {
    help: values.help === true,
    demo: values.demo === true,
    count: number('count', values.demo ? 1 : 5, (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1'),
    machinesFile: values.machines,
    branchId: values.branch,
    admin: { email: values['admin-email'], password: values['admin-password'] },
    dataDir: values['data-dir'] ?? env.DATA_DIR ?? '.data',
    telemetryHz: number('rate', 1, (n) => n > 0 && n <= 20, 'between 0 and 20'),
    setEveryS: number('set-every', 30, (n) => n >= 0, 'a number of seconds ≥ 0'),
    workoutS: number('workout', 0, (n) => n >= 0, 'a number of seconds ≥ 0'),
    maxFrameRate: number('max-frame-rate', 15, positive, 'a positive number'),
    showQr: values['show-qr'] === true,
    dropEveryS: number('drop-every', 0, (n) => n >= 0, 'a number of seconds ≥ 0'),
    dropProbability: number('drop-probability', 0, (n) => n >= 0 && n <= 1, 'between 0 and 1'),
    offlineS: number('offline', 2, (n) => n >= 0, 'a number of seconds ≥ 0'),
    gatewayUrl: values.gateway ?? `http://localhost:${env.GATEWAY_PORT ?? 8080}`,
    hubUrl: values.hub ?? `http://localhost:${env.MACHINE_HUB_PORT ?? 8081}`,
    durationS: number('duration', 0, (n) => n >= 0, 'a number of seconds ≥ 0'),
    statusEveryS: number('status-every', 5, positive, 'a positive number of seconds'),
  };
}

type Settings = ReturnType<typeof parse>;

/** Problems many machines share ("could not connect …") are printed once per status line, counted. */
class ProblemLog {
  private readonly pending = new Map<string, Set<string>>();

  add(message: string, machine: SimMachine): void {
    const machines = this.pending.get(message) ?? new Set<string>();
    machines.add(machine.name);
    this.pending.set(message, machines);
  }

  flush(): void {
    for (const [message, machines] of this.pending) {
      const who = machines.size === 1 ? [...machines][0]! : `${machines.size} machines`;
      console.log(`  ! ${who}: ${message}`);
    }
    this.pending.clear();
  }
}

const log = (message: string) => console.log(`[sim] ${message}`);

async function machinesFor(settings: Settings): Promise<SimMachineCredentials[]> {
  if (settings.machinesFile) {
    const machines = readMachinesFile(settings.machinesFile).slice(0, settings.count);
    log(`${machines.length} machine(s) from ${settings.machinesFile}`);
    return machines;
  }
  const { branchId, machines } = await provisionMachines({
    gatewayUrl: settings.gatewayUrl,
    count: settings.count,
    file: join(settings.dataDir, 'sim-machines.json'),
    admin: () => findAdmin(settings.admin, process.env, settings.dataDir),
    ...(settings.branchId ? { branchId: settings.branchId } : {}),
    log,
  });
  log(`${machines.length} machine(s) in branch ${branchId}`);
  return machines;
}

/** The demo: the member scans the machine's QR code (the first one it shows that works) and watches. */
function demo(settings: Settings, gatewayUrl: string) {
  const memberFile = join(settings.dataDir, 'sim-demo-member.json');
  let member: SignedInMember | undefined;
  let feed: LiveFeed | undefined;
  let linking = false;
  let freshMember = false;
  let stopping = false;

  /** The live feed lives as long as the access token (15 min): then the member signs in again. */
  const openFeed = async (signedIn: SignedInMember) => {
    feed?.close();
    const opened = new LiveFeed(gatewayUrl, signedIn.accessToken, (message, receivedAt) =>
      console.log(`  ${formatLiveMessage(message, receivedAt)}`),
    );
    feed = opened;
    void opened.closed.then(async ({ code }) => {
      for (let attempt = 0; !stopping && feed === opened; attempt++) {
        log(`the live feed closed (${code}); signing the demo member in again`);
        await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** attempt)));
        try {
          member = await demoMember(gatewayUrl, memberFile);
          await openFeed(member);
          return;
        } catch (error) {
          log(`could not reopen the live feed: ${(error as Error).message}`);
        }
      }
    });
    await opened.ready;
  };

  const signIn = async (machineId: string) => {
    member = await demoMember(gatewayUrl, memberFile);
    // A demo stopped without Ctrl-C may have left the member linked to this machine.
    await unlinkMember(gatewayUrl, member.accessToken, machineId);
    await openFeed(member);
    log(`demo member ${member.name} signed in; their live feed is open (${wsUrl(gatewayUrl, '/v1/live')})`);
  };

  const hooks: SimMachineHooks = {
    onQr(qr, machine) {
      if (!member || linking || machine.linked) return;
      linking = true;
      log(`${machine.name} shows a QR code; ${member.name} scans it (POST /v1/machines/link)`);
      void linkByQr(gatewayUrl, member.accessToken, qr.token)
        .catch(async (error: unknown) => {
          if (error instanceof ApiError && error.code === 'ALREADY_LINKED' && !freshMember) {
            // Linked to a machine of another run: a new demo member is quicker than finding it.
            log('the demo member is linked to another machine; registering a new demo member');
            freshMember = true;
            rmSync(memberFile, { force: true });
            await signIn(machine.machineId);
            return linkByQr(gatewayUrl, member!.accessToken, qr.token);
          }
          throw error;
        })
        .catch((error: unknown) => {
          log(`linking failed: ${(error as Error).message}; trying a new QR code`);
          setTimeout(() => machine.refreshQr(), 1000);
        })
        .finally(() => {
          linking = false;
        });
    },
  };
  return {
    hooks,
    signIn,
    async stop(machineId: string) {
      stopping = true;
      if (member) await unlinkMember(gatewayUrl, member.accessToken, machineId).catch(() => false);
      feed?.close();
    },
  };
}

async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\nRun pnpm sim --help for the options.`);
    process.exit(2);
  }
  if (settings.help) {
    console.log(USAGE);
    return;
  }
  const { gatewayUrl, hubUrl } = settings;
  try {
    await fetch(new URL('/health/live', gatewayUrl));
  } catch {
    console.error(
      `No platform answers at ${gatewayUrl}. Start it with pnpm start (or pass --gateway and --hub).`,
    );
    process.exit(1);
  }
  log(`gateway ${gatewayUrl}, hub ${hubUrl}`);
  let rateLimitSaidAt = 0;
  onRateLimited((path, waitMs) => {
    if (Date.now() - rateLimitSaidAt < 15_000) return;
    rateLimitSaidAt = Date.now();
    log(
      `the gateway rate-limits ${path} (AUTH_RATE_LIMIT_MAX a minute per address for logins and machine tokens); ` +
        `waiting ${Math.ceil(waitMs / 1000)} s`,
    );
  });
  const credentials = await machinesFor(settings);
  const problems = new ProblemLog();
  const demoMode = settings.demo ? demo(settings, gatewayUrl) : undefined;
  if (demoMode) await demoMode.signIn(credentials[0]!.machineId);

  const showQr = settings.showQr;
  const sim = new Simulation(credentials, {
    gatewayUrl,
    hubUrl,
    telemetryHz: settings.telemetryHz,
    setEveryS: settings.setEveryS,
    workoutS: settings.workoutS,
    maxFrameRate: settings.maxFrameRate,
    drops: {
      everyS: settings.dropEveryS,
      probability: settings.dropProbability,
      offlineS: settings.offlineS,
    },
    hooks: {
      onQr(qr, machine) {
        if (showQr) log(`${machine.name} shows QR ${qr.token} (until ${qr.expiresAt.slice(11, 19)})`);
        demoMode?.hooks.onQr?.(qr, machine);
      },
      onLinked(link, machine) {
        log(`${machine.name} linked to ${link.displayName} (link ${link.linkId}); sending telemetry`);
      },
      onUnlinked(_linkId, reason, machine) {
        log(`${machine.name} unlinked (${reason})`);
      },
      onHubError(error, machine) {
        if (error.code !== 'NOT_LINKED') problems.add(`hub error ${error.code}: ${error.message}`, machine);
      },
      onProblem(message, machine) {
        problems.add(message, machine);
      },
    },
  });
  sim.start();
  log(
    `${credentials.length} machine(s) started` +
      (settings.dropEveryS || settings.dropProbability ? ' with simulated network drops' : '') +
      '; Ctrl-C stops',
  );
  const status = setInterval(() => {
    console.log(`[sim] ${sim.statusLine()}`);
    problems.flush();
  }, settings.statusEveryS * 1000);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) process.exit(130); // a second Ctrl-C: now
    stopping = true;
    clearInterval(status);
    log('stopping: waiting up to 3 s for outstanding acks');
    await sim.stop(3000);
    await demoMode?.stop(credentials[0]!.machineId);
    console.log(`[sim] ${sim.statusLine()}`);
    problems.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  if (settings.durationS > 0) setTimeout(() => void shutdown(), settings.durationS * 1000);
}

await main().catch((error: unknown) => {
  console.error(`[sim] ${(error as Error).message}`);
  process.exit(1);
});
