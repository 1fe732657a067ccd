import { defineFeature } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { machineTokenBindings } from './machine-token-handlers.ts';

/**
 * Machine tokens, and the signing keys: each replica reloads them often enough to hold a staged key
 * well before it starts signing (a third of the pre-publication period, at most a minute), and any
 * replica may stage the next one when the current key is due.
 */
export const tokensFeature = defineFeature<IdentityDeps>({
  name: 'tokens',
  operations: machineTokenBindings,
  jobs: ({ keys, config }) => [
    {
      name: 'signing-key-rotation',
      everyMs: Math.min(60_000, Math.floor((config.SIGNING_KEY_PREPUBLISH_S * 1000) / 3)),
      run: () => keys.refresh(),
    },
  ],
});
