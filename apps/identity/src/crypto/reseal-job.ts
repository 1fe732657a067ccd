import type { Job } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { resealBatch, sealProgress } from './reseal.ts';

/**
 * Re-seals, batch by batch, every value still sealed under a decrypt-only key or in the old unbound
 * format, and logs progress until none is left. Idle (one cheap query per table) once all is current.
 */
export function resealJob({ db, keyring, config, logger }: IdentityDeps): Job {
  let reported = false;
  return {
    name: 'data-key-reseal',
    everyMs: config.DATA_KEY_RESEAL_INTERVAL_MS,
    async run() {
      const count = await resealBatch(db, keyring, config.DATA_KEY_RESEAL_BATCH);
      if (count === 0) {
        if (!reported) {
          reported = true;
          const { done, total } = await sealProgress(db, keyring.currentId);
          if (done === total)
            logger.info(
              { keyId: keyring.currentId, total },
              'every sealed value is under the current data key',
            );
        }
        return;
      }
      reported = false;
      const { done, total } = await sealProgress(db, keyring.currentId);
      logger.info(
        { keyId: keyring.currentId, resealed: count, done, total },
        're-sealing under the current data key',
      );
    },
  };
}
