import { defineFeature } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { machineTokenBindings } from './machine-token-handlers.ts';

const KEY_CHECK_INTERVAL_MS = 60 * 60 * 1000;

/** Machine tokens, and the signing key's rotation (checked hourly; any replica may rotate it). */
export const tokensFeature = defineFeature<IdentityDeps>({
  name: 'tokens',
  operations: machineTokenBindings,
  jobs: ({ keys }) => [
    { name: 'signing-key-rotation', everyMs: KEY_CHECK_INTERVAL_MS, run: () => keys.refresh() },
  ],
});
