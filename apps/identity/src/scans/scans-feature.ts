import { workoutEvents } from '@nxg/contracts';
import { consume, defineFeature } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { deleteRequestedObjects } from './object-deletions.ts';
import { scanBindings } from './scan-handlers.ts';
import { pruneWebhookRecords } from './scan-webhooks.ts';
import { scanWorkerJob } from './scan-worker.ts';

/**
 * 3D body scans: uploads (an InBody export read and checked, or a scan file), processing by the
 * scanning service (webhooks, polling, timeouts), results as body-composition entries and avatars,
 * and removal of an erased member's objects. Where members train is learnt from workout's
 * sessions, so staff upload only for members of their branch.
 */
export const scansFeature = defineFeature<IdentityDeps>({
  name: 'scans',
  operations: scanBindings,
  consumers: ({ db }) => [
    consume('identity_session_started', workoutEvents.sessionStarted, async ({ data }) => {
      // A member or branch erased meanwhile: nothing to remember.
      await db.query(
        `INSERT INTO branch_members (branch_id, user_id, first_seen_at)
         SELECT b.id, u.id, $3 FROM branches b, users u WHERE b.id = $1::uuid AND u.id = $2::uuid
         ON CONFLICT (user_id, branch_id) DO NOTHING`,
        [data.branchId, data.userId, data.at],
      );
    }),
  ],
  jobs: (deps) => [
    scanWorkerJob(deps),
    {
      name: 'scan-object-deletions',
      everyMs: 5_000,
      run: async () => {
        await deleteRequestedObjects(deps.db, deps.scans.objects, deps.logger);
      },
    },
    {
      name: 'scan-webhook-pruning',
      everyMs: 3600_000,
      run: async () => {
        await pruneWebhookRecords(deps.db);
      },
    },
  ],
});
