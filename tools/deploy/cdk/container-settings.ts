/**
 * What each service's container is given on ECS: plain settings, and the names of the secrets its
 * variables come from. Every variable a service marks `secret: true` in its `src/config.ts` comes
 * from Secrets Manager, as do its database and Redis URLs and its own NATS key.
 */
import { natsCredentials, type DeployedService } from '../deployed-services.ts';

/** A three-node NATS cluster with JetStream and TLS; the client fails over between the servers. */
export const defaultNatsUrl = ['nats-1', 'nats-2', 'nats-3']
  .map((host) => `tls://${host}.nxg.internal:4222`)
  .join(',');

/**
 * Production values that differ from a service's defaults in its `src/config.ts`; every other
 * variable keeps its default. A service that needs none has no line here.
 */
export const productionSettings: Record<string, Record<string, string>> = {
  // Behind the load balancer: client addresses (rate limits, logs) come from X-Forwarded-For, as
  // written by the ALB only (its addresses are in the VPC's CIDR, the CDK default), never by a client.
  gateway: { TRUST_PROXY: '10.0.0.0/16' },
};

/** A variable and the secret `nxg/<secretName>` it is read from. */
export interface SecretRef {
  variable: string;
  secretName: string;
}

/** `IDENTITY_DATA_KEY` is kept as the secret `nxg/identity-data-key`. */
export const secretNameOf = (variable: string) => variable.toLowerCase().replaceAll('_', '-');

export function containerEnvironment(service: DeployedService, natsUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    NATS_URL: natsUrl,
    // The consumers' backlog as a CloudWatch metric, which autoscaling reads (README: consumer lag).
    METRICS_EMF: 'true',
    [service.portVariable]: String(service.port),
    ...productionSettings[service.name],
  };
}

/** The CA that signed the NATS servers' certificates, and a user's own NKEY (deploy/nats). */
const natsSecrets = (user: string): SecretRef[] => [
  { variable: 'NATS_NKEY_SEED', secretName: `${user}-nats-nkey-seed` },
  { variable: 'NATS_TLS_CA', secretName: 'nats-tls-ca' },
];

export function containerSecrets(service: DeployedService): SecretRef[] {
  return [
    // Per service: each has its own database user and database (nxg_<service>).
    ...(service.database ? [{ variable: 'DATABASE_URL', secretName: `${service.name}-database-url` }] : []),
    { variable: 'REDIS_URL', secretName: 'redis-url' },
    ...natsSecrets(service.name),
    // NKEYs authenticate a service to NATS: no TLS client key (mutual TLS) is needed.
    ...service.secrets
      .filter((variable) => !natsCredentials.includes(variable))
      .map((variable) => ({ variable, secretName: secretNameOf(variable) })),
  ];
}

export const provisionSecrets = (): SecretRef[] => natsSecrets('provision');

/**
 * Load balancers' idle timeout per public service: it closes a WebSocket quiet that long. Machines
 * speak at least every HEARTBEAT_INTERVAL_S (15 s); the members' live feed on the gateway is silent
 * while nothing happens, so it gets an access token's life, when the feed closes anyway.
 */
export const idleTimeoutS: Record<string, number> = { gateway: 900 };
export const defaultIdleTimeoutS = 120;
