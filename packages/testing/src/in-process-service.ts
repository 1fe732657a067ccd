import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { fileURLToPath } from 'node:url';
import { buildService, loadServiceConfig, loggerOptions, type ServiceDefinition } from '@nxg/platform';
import type { ServiceManifestEntry } from '@nxg/contracts';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { testLogDestination } from './log-scan/test-logs.ts';
import type { RunningService } from './running-service.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** The service's definition, loaded from the module the manifest names (apps never import each other). */
export async function loadDefinition(entry: ServiceManifestEntry): Promise<ServiceDefinition> {
  const module = (await import(pathToFileURL(`${repoRoot}/${entry.module}`).href)) as {
    default: ServiceDefinition;
  };
  return module.default;
}

/** Polls `/health/ready` through inject until every dependency is up. */
async function waitReady(app: FastifyInstance, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const response = await app.inject('/health/ready');
    if (response.statusCode === 200) return;
    last = response.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} not ready after ${timeoutMs} ms: ${last}`);
}

/**
 * Listens on `port`, or on any free port when another process took it since it was chosen (test
 * files running side by side pick ports at once): the port it listens on.
 */
async function listenOnLoopback(app: FastifyInstance, port: number): Promise<number> {
  try {
    await app.listen({ host: '127.0.0.1', port });
  } catch (error) {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    await app.listen({ host: '127.0.0.1', port: 0 });
  }
  return (app.server.address() as AddressInfo).port;
}

/**
 * A service built in this process from its definition, the way `main.ts` builds it, listening on
 * loopback. Starting is fast (no new Node process, modules already loaded), so test files can each
 * have platforms of their own and run in parallel. `kill` (no graceful stop) needs a real process.
 */
export async function startInProcess(
  entry: ServiceManifestEntry,
  env: Record<string, string>,
  port: number,
): Promise<RunningService> {
  const definition = await loadDefinition(entry);
  let output = '';
  let currentEnv = { ...env };
  let app: FastifyInstance | undefined;
  let boundPort = port;
  const launch = async () => {
    const config = loadServiceConfig(definition, currentEnv);
    // Warnings and errors are kept for a failing test's message; with a run's log file, every
    // line from debug up (info, and the one line per request) is also written there for the log
    // scan (log-scan/).
    const kept = { write: (line: string) => void (output = (output + line).slice(-20_000)) };
    const file = testLogDestination();
    const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
    const level =
      file && levels.indexOf(config.LOG_LEVEL) > levels.indexOf('debug') ? 'debug' : config.LOG_LEVEL;
    const logger = pino(
      loggerOptions(entry.name, level, { pretty: false }),
      file
        ? pino.multistream([
            { level: config.LOG_LEVEL === 'silent' ? 'fatal' : config.LOG_LEVEL, stream: kept },
            { level: 'debug', stream: file },
          ])
        : kept,
    );
    const built = buildService(definition, config, logger);
    try {
      boundPort = await listenOnLoopback(built, boundPort);
      await waitReady(built, entry.name, 30_000);
    } catch (error) {
      await built.close().catch(() => {});
      throw new Error(`${entry.name} did not start: ${(error as Error).message}\n${output}`);
    }
    app = built;
  };
  await launch();
  const stop = async () => {
    const running = app;
    app = undefined;
    await running?.close();
  };
  return {
    name: entry.name,
    get url() {
      return `http://127.0.0.1:${boundPort}`;
    },
    get env() {
      return currentEnv;
    },
    pid: undefined,
    get app() {
      return app;
    },
    logs: () => output,
    stop,
    async restart(overrides = {}) {
      await stop();
      currentEnv = { ...env, ...overrides };
      await launch();
    },
    async kill() {
      throw new Error(`kill -9 needs a real process: start the platform with { processes: true }`);
    },
  };
}
