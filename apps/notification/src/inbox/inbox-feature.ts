import { notification, NotificationErrors } from '@nxg/contracts';
import { AppError, bind, decodeCursor, defineFeature, requireUser, toPage } from '@nxg/platform';
import type { NotificationDeps } from '../deps.ts';
import { inboxPage, markRead, toNotification } from './inbox-store.ts';

/** The inbox: every notification a member got, pushed or not, newest first. */
export const inboxFeature = defineFeature<NotificationDeps>({
  name: 'inbox',
  operations: ({ db }) => [
    bind(notification.listNotifications, async ({ limit = 20, cursor }, ctx) => {
      const after = cursor ? (decodeCursor(cursor, 2) as [string, string]) : undefined;
      const rows = await inboxPage(db, requireUser(ctx), limit + 1, after);
      return toPage(rows.map(toNotification), limit, (last) => [last.createdAt, last.id]);
    }),
    bind(notification.markRead, async ({ id }, ctx) => {
      const read = await markRead(db, requireUser(ctx), id);
      if (!read) throw new AppError(404, NotificationErrors.NOTIFICATION_NOT_FOUND, 'No such notification');
      return read;
    }),
  ],
});
