/**
 * docker-compose.yml and deploy/ecs follow the manifest of services (packages/contracts/src/services.ts):
 * a service cannot be missing from either, nor disagree with it on its port, database, exposure,
 * variables or secrets. No Docker engine runs here: compose is checked against the Compose
 * specification's schema (dclint) and by reading it as Compose would.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceManifest } from '@nxg/contracts';
import { loadConfig, loadServiceConfig } from '@nxg/platform';
import { DCLinter } from 'dclint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isSdkVariable, loadDeployedServices, repoRoot, type DeployedService } from './deployed-services.ts';
import { renderEcsFiles } from './ecs-task-definitions.ts';

const composePath = join(repoRoot, 'docker-compose.yml');
const ecsDir = join(repoRoot, 'deploy/ecs');

interface ComposeService {
  build?: { dockerfile?: string; args?: Record<string, string> };
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

/** The compose file as Compose reads it, with `<<: *anchor` merges applied. */
const readCompose = () =>
  parse(readFileSync(composePath, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` interpolation, `shell` being the operator's environment. */
const interpolate = (value: string, shell: Record<string, string>) =>
  value.replace(
    /\$\{(\w+)(?:(:?)([-?])([^}]*))?\}/g,
    (_, name: string, colon: string, op: string, arg: string) => {
      const set = colon ? Boolean(shell[name]) : shell[name] !== undefined;
      if (set) return shell[name]!;
      if (op === '?') throw new Error(`docker compose stops: ${name} is not set (${arg})`);
      return op === '-' ? arg : '';
    },
  );

interface TaskDefinition {
  containerDefinitions: {
    name: string;
    portMappings?: { containerPort: number }[];
    environment: { name: string; value: string }[];
    secrets?: { name: string; valueFrom: string }[];
    healthCheck?: { command: string[] };
  }[];
}

const readTask = (file: string) => JSON.parse(readFileSync(join(ecsDir, file), 'utf8')) as TaskDefinition;

let services: Map<string, DeployedService>;
beforeAll(async () => {
  services = new Map((await loadDeployedServices()).map((s) => [s.name, s]));
});

describe('the manifest of services', () => {
  it.each(serviceManifest)(
    'agrees with the definition of $name (port variable and default, database)',
    (entry) => {
      const { definition } = services.get(entry.name)!;
      expect(definition.name).toBe(entry.name);
      expect(definition.port).toBe(entry.portVariable);
      expect((definition.config[entry.portVariable] as { default?: number }).default).toBe(entry.port);
      expect(Boolean(definition.migrations), 'a service with migrations has a database').toBe(entry.database);
    },
  );

  it.each(serviceManifest)('$name marks every credential it reads as a secret', ({ name }) => {
    const service = services.get(name)!;
    const credentials = service.variables.filter((v) => /_(KEY|PASSWORD|SECRET|TOKEN)$/.test(v));
    expect(service.secrets).toEqual(expect.arrayContaining(credentials));
  });
});

describe('docker-compose.yml', () => {
  it('is a valid Compose file (the Compose specification schema, and no duplicate ports or names)', () => {
    const linter = new DCLinter({
      rules: {
        'no-duplicate-container-names': 2,
        'no-duplicate-exported-ports': 2,
        'no-version-field': 2,
        'require-project-name-field': 2,
        'require-quotes-in-ports': 2,
        'service-container-name-regex': 2,
        'service-image-require-explicit-tag': 2,
        // Deliberate: `image` names the image that `build` makes; the published ports are for
        // this machine's developers and their phones.
        'no-build-and-image': 0,
        'no-unbound-port-interfaces': 0,
        // Style: the file is ordered by start order and explained by its comments.
        'no-quotes-in-volumes': 0,
        'service-dependencies-alphabetical-order': 0,
        'service-keys-order': 0,
        'service-ports-alphabetical-order': 0,
        'services-alphabetical-order': 0,
        'top-level-properties-order': 0,
      },
      quiet: true,
      debug: false,
      exclude: [],
    });
    const [result] = linter.lintFiles([composePath], false);
    const messages: { line: number; message: string; rule: string }[] = result?.messages ?? [];
    expect(messages.map((m) => `${m.line}: ${m.message} (${m.rule})`)).toEqual([]);
  });

  it('runs no app that is not in the manifest', () => {
    const apps = Object.values(readCompose().services)
      .map((s) => s.build?.args?.APP)
      .filter((app) => app !== undefined && app !== 'tools');
    expect(apps.sort()).toEqual(serviceManifest.map((s) => s.name).sort());
  });

  describe.each(serviceManifest)('$name', (entry) => {
    const composeService = () => {
      const found = readCompose().services[entry.name];
      expect(found, `docker-compose.yml has no service ${entry.name}`).toBeDefined();
      return found!;
    };

    it('is built from its folder for its port, and listens there', () => {
      const service = composeService();
      expect(service.build?.dockerfile).toBe('deploy/Dockerfile');
      expect(service.build?.args).toEqual({ APP: entry.name, PORT: String(entry.port) });
      expect(service.environment?.[entry.portVariable], entry.portVariable).toBe(String(entry.port));
    });

    it(entry.public ? 'publishes its port on the host' : 'publishes no port', () => {
      expect(composeService().ports ?? []).toEqual(entry.public ? [`${entry.port}:${entry.port}`] : []);
    });

    it('starts after provisioning, with a database exactly when it keeps data', () => {
      const service = composeService();
      expect(service.depends_on?.provision?.condition).toBe('service_completed_successfully');
      expect(service.depends_on?.nats?.condition).toBe('service_healthy');
      expect(Boolean(service.environment?.DATABASE_URL), 'DATABASE_URL').toBe(entry.database);
      if (entry.database) expect(service.depends_on?.postgres?.condition).toBe('service_healthy');
    });

    it('is given every secret it reads, and only variables it reads', () => {
      const { variables, secrets } = services.get(entry.name)!;
      const given = Object.keys(composeService().environment ?? {});
      expect(given.filter((v) => !variables.includes(v) && !isSdkVariable(v))).toEqual([]);
      expect(given).toEqual(expect.arrayContaining(['REDIS_URL', ...secrets]));
    });

    it('starts with only IDENTITY_DATA_KEY, HUB_DATA_KEY and SERVICE_KEY exported, as deploy/README.md says', () => {
      const shell = {
        IDENTITY_DATA_KEY: randomBytes(32).toString('base64'),
        HUB_DATA_KEY: randomBytes(32).toString('base64'),
        SERVICE_KEY: randomBytes(32).toString('base64'),
      };
      const env = Object.fromEntries(
        Object.entries(composeService().environment ?? {}).map(([k, v]) => [
          k,
          interpolate(String(v), shell),
        ]),
      );
      // Throws a ConfigError naming each bad or missing variable, as the service would at start.
      expect(() => loadServiceConfig(services.get(entry.name)!.definition, env)).not.toThrow();
    });
  });
});

describe('deploy/ecs', () => {
  it('holds exactly what `pnpm deploy:ecs` writes (run it after changing the manifest or a config)', () => {
    const expected = renderEcsFiles([...services.values()]);
    const committed = readdirSync(ecsDir).filter((f) => f.endsWith('.json'));
    expect(committed.sort()).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected) {
      expect(readFileSync(join(ecsDir, file), 'utf8'), `deploy/ecs/${file} is stale`).toBe(content);
    }
  });

  describe.each(serviceManifest)('task definition of $name', (entry) => {
    const container = () => {
      const file = `${entry.name}.task.json`;
      expect(readdirSync(ecsDir), `deploy/ecs has no ${file}`).toContain(file);
      return readTask(file).containerDefinitions[0]!;
    };

    it('runs its container on its port, health-checked there', () => {
      const c = container();
      expect(c.name).toBe(entry.name);
      expect(c.portMappings?.map((p) => p.containerPort)).toEqual([entry.port]);
      expect(c.environment).toContainEqual({ name: entry.portVariable, value: String(entry.port) });
      expect(c.healthCheck?.command.join(' ')).toContain(`127.0.0.1:${entry.port}/health/ready`);
    });

    it('takes its secrets (and a database exactly when it keeps data) from the secret store', () => {
      const { secrets } = services.get(entry.name)!;
      const c = container();
      const fromStore = (c.secrets ?? []).map((s) => s.name);
      expect(fromStore).toEqual(expect.arrayContaining(['REDIS_URL', ...secrets]));
      expect(fromStore.includes('DATABASE_URL'), 'DATABASE_URL').toBe(entry.database);
      expect(c.environment.map((e) => e.name).filter((v) => fromStore.includes(v))).toEqual([]);
    });

    it('sets only variables it reads, with values it accepts', () => {
      const { variables } = services.get(entry.name)!;
      const c = container();
      const names = [...c.environment, ...(c.secrets ?? [])].map((v) => v.name);
      expect(names.filter((v) => !variables.includes(v) && !isSdkVariable(v))).toEqual([]);
      const env = Object.fromEntries(c.environment.map((e) => [e.name, e.value]));
      expect(() => loadConfig(services.get(entry.name)!.definition.config, env)).not.toThrow();
    });
  });
});
