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

/** Variables the OpenTelemetry SDK reads by itself (DESIGN.md D14), outside any service's schema. */
export const isTelemetryVariable = (name: string) => name.startsWith('OTEL_');

/** Variables an SDK reads by itself: OpenTelemetry's, and the AWS SDK's credential chain (object storage). */
export const isSdkVariable = (name: string) => isTelemetryVariable(name) || name.startsWith('AWS_');

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
