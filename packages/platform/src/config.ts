import Type, { type Static, type TObject, type TProperties } from 'typebox';
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';
import { describeErrors } from './validation.ts';

/** Variables every service reads (DESIGN.md §9). Services extend this with their own. */
export const BaseConfig = {
  NATS_URL: Type.String({ default: 'nats://127.0.0.1:4222' }),
  /** Puts every subject, stream and bucket under `<prefix>.`: several platforms on one NATS (tests). */
  NATS_PREFIX: Type.String({ default: '', pattern: '^([A-Za-z][A-Za-z0-9_-]{0,31})?$' }),
  /**
   * This service's own NKEY seed (`SU…`, `pnpm deploy:nats-keys` makes them): a NATS server run
   * with deploy/nats/authorization.conf lets it use only its own subjects. Empty: no credentials.
   */
  NATS_NKEY_SEED: Type.Optional(Type.String({ secret: true, pattern: '^SU[A-Z2-7]{56}\\s*$' })),
  /** TLS to NATS: the server's CA, and a client certificate and key (PEM, inline or a file path). */
  NATS_TLS_CA: Type.Optional(Type.String()),
  NATS_TLS_CERT: Type.Optional(Type.String()),
  NATS_TLS_KEY: Type.Optional(Type.String({ secret: true })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** Name of this service's database on the DATABASE_URL server (default nxg_<service>). */
  DATABASE_NAME: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /** Prefix of every Redis key, so environments can share one Redis. */
  REDIS_PREFIX: Type.String({ default: 'nxg:', pattern: '^[A-Za-z0-9_.:-]{1,64}$' }),
  DATA_DIR: Type.String({ default: '.data' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  HOST: Type.String({ default: '0.0.0.0' }),
  NODE_ENV: Type.String({ default: 'development' }),
  /**
   * The platform's secret (32+ random bytes, hex or base64): each service signs its NATS requests,
   * replies and events with a key derived from it. Required in production.
   */
  SERVICE_KEY: Type.Optional(Type.String({ secret: true })),
  /**
   * Writes the consumers' backlog each minute as a CloudWatch embedded-metric line on stdout (the
   * ECS stack scales on it). Off outside ECS.
   */
  METRICS_EMF: Type.Boolean({ default: false }),
  /** How long a graceful stop may take before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads and checks configuration once at start. Unknown variables are ignored; a bad or missing
 * one throws a ConfigError naming every offending variable.
 */
export function loadConfig<P extends TProperties>(
  properties: P,
  env: Record<string, string | undefined> = process.env,
): Static<TObject<P>> {
  const schema = Type.Object(properties);
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(properties)) {
    const raw = env[key];
    if (raw !== undefined && raw !== '') picked[key] = raw;
  }
  const withDefaults = Value.Default(schema, Value.Convert(schema, picked));
  // TypeBox buffers 8 raw errors by default (a union of literals alone spends one per choice):
  // lift the cap for this one check so every offending variable is named.
  const { maxErrors } = Settings.Get();
  Settings.Set({ maxErrors: 1000 });
  let errors: ReturnType<typeof describeErrors>;
  try {
    errors = describeErrors(Value.Errors(schema, withDefaults));
  } finally {
    Settings.Set({ maxErrors });
  }
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.path.slice(1)} ${e.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return withDefaults as Static<TObject<P>>;
}
