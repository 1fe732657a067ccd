import { defineFeature } from '@nxg/platform';
import type { HubDeps } from '../deps.ts';
import { credentialBindings } from './credential-handlers.ts';
import { registryBindings } from './registry-handlers.ts';

/** The machine registry: machines, their credentials and machine tokens, status and maintenance. */
export const registryFeature = defineFeature<HubDeps>({
  name: 'registry',
  operations: (deps) => [...registryBindings(deps), ...credentialBindings(deps)],
});
