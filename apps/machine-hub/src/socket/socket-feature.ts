import { defineFeature } from '@nxg/platform';
import type { HubDeps } from '../deps.ts';
import { ConnectionRegistry } from './connection-registry.ts';
import { machineSocketPlugin } from './machine-socket-plugin.ts';
import { offlineSweeper } from './offline-sweeper.ts';

/**
 * The machines' WebSocket (`/v1/machines/connect`) and liveness: a machine silent for two
 * heartbeat intervals is marked offline and its link ended, by whichever replica sweeps first.
 */
export const socketFeature = defineFeature<HubDeps>({
  name: 'socket',
  jobs: (deps) => [offlineSweeper(deps)],
  async http(app, deps) {
    const registry = new ConnectionRegistry(deps, app.auth.revocations);
    app.kit.metrics.gauge('nxg_hub_sockets', 'Machine sockets held by this replica', () => registry.size);
    // Sockets are intake: they close before consumers, jobs and NATS stop.
    app.addHook('preClose', () => registry.closeAll());
    await machineSocketPlugin(app, { deps, registry, verifier: app.auth.verifier });
  },
});
