import { defineFeature } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { resealJob } from './reseal-job.ts';

/** The data keys: values still under a decrypt-only key or the old format are re-sealed in the background. */
export const dataKeysFeature = defineFeature<IdentityDeps>({
  name: 'data-keys',
  jobs: (deps) => [resealJob(deps)],
});
