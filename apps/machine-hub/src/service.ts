import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineService } from '@nxg/platform';
import { HubConfigSchema } from './config.ts';
import type { HubDeps } from './deps.ts';
import { linkingFeature } from './linking/linking-feature.ts';
import { loadQrKey, QrTokens } from './linking/qr-tokens.ts';
import { LivePublisher } from './live/live-publisher.ts';
import { registryFeature } from './registry/registry-feature.ts';
import { socketFeature } from './socket/socket-feature.ts';

/** Machine hub: the machine registry, QR linking, and the machines' WebSocket with telemetry. */
export default defineService({
  name: 'machine-hub',
  config: HubConfigSchema,
  port: 'MACHINE_HUB_PORT',
  migrations: fileURLToPath(new URL('../migrations', import.meta.url)),
  auth: 'machine',
  async context({ config, db, nc, cache, outbox, logger }): Promise<HubDeps> {
    return {
      config,
      db,
      nc,
      cache,
      outbox,
      qr: new QrTokens(await loadQrKey(db), config.QR_TOKEN_TTL_S),
      live: new LivePublisher(nc),
      logger,
      instanceId: config.HUB_INSTANCE_ID ?? `${hostname()}:${process.pid}`,
      staleAfterMs: config.HEARTBEAT_INTERVAL_S * 2000 + 2000,
    };
  },
  features: [registryFeature, linkingFeature, socketFeature],
});
