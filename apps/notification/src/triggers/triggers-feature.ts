import { consume, defineFeature } from '@nxg/platform';
import type { NotificationDeps } from '../deps.ts';
import { createNotification } from '../inbox/inbox-store.ts';
import { notifying } from '../inbox/live-feed.ts';
import { anyErased, isErased } from '../members/erased.ts';
import { membersNamed } from '../members/naming.ts';
import { triggers } from './triggers.ts';

/**
 * One durable consumer per trigger: the event's notices go to the inbox (and the push queue) in
 * one transaction, keyed by (event id or the notice's key, member), so a redelivered event adds
 * nothing; once committed, each new one reaches the member's live feed.
 */
export const triggersFeature = defineFeature<NotificationDeps>({
  name: 'triggers',
  consumers: (deps) =>
    triggers.map((t) =>
      consume(t.consumer, t.event, async (event) => {
        await notifying(deps, async (tx, made) => {
          for (const { key, ...notice } of await t.notices(event as never, tx)) {
            if (await isErased(tx, notice.userId)) continue; // a late event about an erased member
            if (await anyErased(tx, membersNamed(notice))) continue; // or naming one
            const notification = await createNotification(tx, {
              ...notice,
              sourceEventId: key ?? event.id,
            });
            if (notification) made.push({ userId: notice.userId, notification });
          }
        });
      }),
    ),
});
