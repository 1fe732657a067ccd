import type { Cache, Database } from '@nxg/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { HubConfig } from './config.ts';
import type { QrTokens } from './linking/qr-tokens.ts';
import type { LivePublisher } from './live/live-publisher.ts';
import type { CredentialRevocations } from './registry/credential-revocations.ts';

/** What machine-hub's features work with, assembled once in service.ts. */
export interface HubDeps {
  config: HubConfig;
  db: Database;
  nc: NatsConnection;
  cache: Cache;
  qr: QrTokens;
  live: LivePublisher;
  /** Writes revocations of machine tokens to the bucket every verifier watches. */
  revocations: CredentialRevocations;
  logger: Logger;
  /** This replica's name in `machines.connected_instance`. */
  instanceId: string;
  /** Silence after which a machine counts as offline: two heartbeat intervals and a margin. */
  staleAfterMs: number;
  /** Counts a valid frame by type, for /metrics (`nxg_hub_frames_total`). */
  countFrame?: (type: string) => void;
}
