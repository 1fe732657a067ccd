import type { Job } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { resealBatch, sealProgress } from './reseal.ts';

/**
 * Re-seals, batch by batch, every value still sealed under a decrypt-only key or in the old unbound
 * format, logging progress. Once a pass finds nothing left it stops for good: keys change only with
 * a restart, and every new value is sealed under the current key, so scanning again would only cost.
 */
export function resealJob({ db, keyring, config, logger }: IdentityDeps): Job {
  let finished = false;
  return {
    name: 'data-key-reseal',
    everyMs: config.DATA_KEY_RESEAL_INTERVAL_MS,
    async run() {
      if (finished) return;
      const count = await resealBatch(db, keyring, config.DATA_KEY_RESEAL_BATCH);
      const { done, total } = await sealProgress(db, keyring.currentId);
      if (count > 0) {
        logger.info(
          { keyId: keyring.currentId, resealed: count, done, total },
          're-sealing under the current data key',
        );
        return;
      }
      finished = true;
      logger.info(
        { keyId: keyring.currentId, done, total },
        'nothing left to re-seal under the current data key',
      );
    },
  };
}
