/**
 * What deployment needs to know of each service: its line in the manifest, plus what its
 * definition (`src/service.ts`) says — the variables it reads and which of them are secrets.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serviceManifest, type ServiceManifestEntry } from '@nxg/contracts';
import type { ServiceDefinition } from '@nxg/platform';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface DeployedService extends ServiceManifestEntry {
  definition: ServiceDefinition;
  /** Every variable its configuration declares: setting any other is a mistake. */
  variables: string[];
  /**
   * Its own variables marked `secret: true` in `src/config.ts` (IDENTITY_DATA_KEY, WORKOUT_AI_API_KEY…):
   * a deployment takes them from its secret store, never from a file in this repository.
   * DATABASE_URL and REDIS_URL are secrets for every service and are not listed here.
   */
  secrets: string[];
}

/**
 * A service's NATS transport credentials (deploy/nats): its own NKEY seed, and a TLS client key
 * where mutual TLS is wanted. Compose's NATS asks for none; ECS gives each service its own seed.
 */
export const natsCredentials = ['NATS_NKEY_SEED', 'NATS_TLS_KEY'];

/** Variables the OpenTelemetry SDK reads by itself (DESIGN.md D14), outside any service's schema. */
export const isTelemetryVariable = (name: string) => name.startsWith('OTEL_');

/** The AWS SDK's own credential chain (object storage), read by the SDK rather than a config schema. */
export const isAwsCredentialVariable = (name: string) =>
  name === 'AWS_ACCESS_KEY_ID' || name === 'AWS_SECRET_ACCESS_KEY';

/** Loads each manifest service's definition from the module the manifest names (apps never import each other). */
export async function loadDeployedServices(): Promise<DeployedService[]> {
  return Promise.all(
    serviceManifest.map(async (entry) => {
      const module = (await import(pathToFileURL(`${repoRoot}/${entry.module}`).href)) as {
        default: ServiceDefinition;
      };
      const definition = module.default;
      const schema = definition.config as Record<string, { secret?: unknown }>;
      return {
        ...entry,
        definition,
        variables: Object.keys(schema),
        secrets: Object.keys(schema).filter((name) => schema[name]?.secret === true),
      };
    }),
  );
}
