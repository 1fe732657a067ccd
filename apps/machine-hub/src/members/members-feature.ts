import { identityEvents } from '@nxg/contracts';
import { consume, defineFeature } from '@nxg/platform';
import type { HubDeps } from '../deps.ts';
import { announceUnlink } from '../linking/link-notices.ts';
import { endLink } from '../linking/link-store.ts';

/**
 * Erasure: an account identity deleted leaves no user id in the hub. Its active link ends, and its
 * past links (machine history) and maintenance entries stay without who it was.
 */
export const membersFeature = defineFeature<HubDeps>({
  name: 'members',
  consumers: (deps) => [
    consume('machine_hub_user_deleted', identityEvents.userDeleted, async ({ data }) => {
      const ended = await deps.db.transaction(async (tx) => {
        const link = await endLink(tx, { userId: data.userId }, 'account_erased', deps.staleAfterMs);
        await tx.query('UPDATE links SET user_id = NULL, display_name = NULL WHERE user_id = $1', [
          data.userId,
        ]);
        await tx.query('UPDATE maintenance_log SET by_user_id = NULL WHERE by_user_id = $1', [data.userId]);
        return link;
      });
      if (ended) announceUnlink(deps, ended);
    }),
  ],
});
