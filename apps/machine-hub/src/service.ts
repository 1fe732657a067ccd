import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineService, loadDataKeyring } from '@nxg/platform';
import { hubConfigProblems, HubConfigSchema } from './config.ts';
import type { HubDeps } from './deps.ts';
import { linkingFeature } from './linking/linking-feature.ts';
import { loadQrKey, QrTokens } from './linking/qr-tokens.ts';
import { LivePublisher } from './live/live-publisher.ts';
import { CredentialRevocations } from './registry/credential-revocations.ts';
import { registryFeature } from './registry/registry-feature.ts';
import { membersFeature } from './members/members-feature.ts';
import { socketFeature } from './socket/socket-feature.ts';

/** Machine hub: the machine registry, QR linking, and the machines' WebSocket with telemetry. */
export default defineService({
  name: 'machine-hub',
  config: HubConfigSchema,
  checkConfig: hubConfigProblems,
  port: 'MACHINE_HUB_PORT',
  migrations: fileURLToPath(new URL('../migrations', import.meta.url)),
  auth: 'machine',
  async context({ config, db, nc, cache, logger, metrics }): Promise<HubDeps> {
    const keyring = await loadDataKeyring({
      service: 'machine-hub',
      variable: 'HUB_DATA_KEY',
      current: config.HUB_DATA_KEY,
      decryptOnly: config.HUB_DATA_KEYS_DECRYPT_ONLY,
      dataDir: config.DATA_DIR,
      logger,
    });
    return {
      config,
      db,
      nc,
      cache,
      qr: new QrTokens(await loadQrKey(db, keyring), config.QR_TOKEN_TTL_S),
      revocations: new CredentialRevocations(nc),
      live: new LivePublisher(nc),
      logger,
      instanceId: config.HUB_INSTANCE_ID ?? `${hostname()}:${process.pid}`,
      staleAfterMs: config.HEARTBEAT_INTERVAL_S * 2000 + 2000,
      countFrame: metrics.counter('nxg_hub_frames_total', 'Valid frames machines sent, by type', 'type'),
    };
  },
  features: [registryFeature, linkingFeature, socketFeature, membersFeature],
});
