/** One line of the platform's manifest: what the launcher, tests and deployment need to know. */
export interface ServiceManifestEntry {
  name: string;
  /** Module (from the repository root) whose default export is the service's `defineService`. */
  module: string;
  /** Process entry: config, start, graceful stop. */
  main: string;
  /** The variable holding its HTTP port (health, and the API where there is one), and its default. */
  portVariable: string;
  port: number;
  /** Takes traffic from outside the platform (a load balancer, a published port). */
  public: boolean;
  /** Keeps data in PostgreSQL (a database of its own). */
  database: boolean;
}

const entry = (
  name: string,
  portVariable: string,
  port: number,
  facts: { public: boolean; database: boolean },
): ServiceManifestEntry => ({
  name,
  module: `apps/${name}/src/service.ts`,
  main: `apps/${name}/src/main.ts`,
  portVariable,
  port,
  ...facts,
});

/**
 * Every service of the platform, in start order (identity signs the tokens others verify; the
 * gateway opens last). The launcher, the test platform, provisioning, docker-compose.yml and the
 * ECS definitions all follow this list: adding a service is its folder plus one line here.
 */
export const serviceManifest: ServiceManifestEntry[] = [
  entry('identity', 'IDENTITY_PORT', 8082, { public: false, database: true }),
  entry('machine-hub', 'MACHINE_HUB_PORT', 8081, { public: true, database: true }),
  entry('workout', 'WORKOUT_PORT', 8083, { public: false, database: true }),
  entry('nutrition', 'NUTRITION_PORT', 8085, { public: false, database: true }),
  entry('analytics', 'ANALYTICS_PORT', 8084, { public: false, database: true }),
  entry('notification', 'NOTIFICATION_PORT', 8086, { public: false, database: true }),
  entry('gateway', 'GATEWAY_PORT', 8080, { public: true, database: false }),
];

export const manifestEntry = (name: string): ServiceManifestEntry => {
  const found = serviceManifest.find((s) => s.name === name);
  if (!found) throw new Error(`no service ${name} in the manifest`);
  return found;
};
