import { consume, defineFeature } from '@nxg/platform';
import type { NotificationDeps } from '../deps.ts';
import { createNotification } from '../inbox/inbox-store.ts';
import { triggers } from './triggers.ts';

/**
 * One durable consumer per trigger: the event's notices go to the inbox (and the push queue) in
 * one transaction, keyed by (event id, member), so a redelivered event adds nothing.
 */
export const triggersFeature = defineFeature<NotificationDeps>({
  name: 'triggers',
  consumers: ({ db }) =>
    triggers.map((t) =>
      consume(t.consumer, t.event, async (event) => {
        const notices = t.notices(event as never);
        if (!notices.length) return;
        await db.transaction(async (tx) => {
          for (const notice of notices) await createNotification(tx, { ...notice, sourceEventId: event.id });
        });
      }),
    ),
});
