import { fileURLToPath } from 'node:url';
import { defineService } from '@nxg/platform';
import { checkNotificationConfig, fcmProjectId, NotificationConfigSchema } from './config.ts';
import { consoleTransport } from './delivery/console-transport.ts';
import { deliveryFeature, drainDue } from './delivery/delivery-feature.ts';
import { drainNow } from './delivery/drain-now.ts';
import { fcmTransport } from './delivery/fcm-transport.ts';
import { devicesFeature } from './devices/devices-feature.ts';
import { inboxFeature } from './inbox/inbox-feature.ts';
import { liveFeed } from './inbox/live-feed.ts';
import { membersFeature } from './members/members-feature.ts';
import { preferencesFeature } from './preferences/preferences-feature.ts';
import { remindersFeature } from './reminders/reminders-feature.ts';
import { triggersFeature } from './triggers/triggers-feature.ts';

/** Notification: devices, preferences and quiet hours, triggers from events, reminders, FCM delivery, the inbox. */
export default defineService({
  name: 'notification',
  config: NotificationConfigSchema,
  checkConfig: checkNotificationConfig,
  port: 'NOTIFICATION_PORT',
  migrations: fileURLToPath(new URL('../migrations', import.meta.url)),
  context(kit) {
    const { config } = kit;
    const projectId = fcmProjectId(config) ?? '';
    const push = config.FCM_STAND_IN_URL
      ? fcmTransport({
          kind: 'stand-in',
          projectId,
          url: config.FCM_STAND_IN_URL,
        })
      : config.FCM_SERVICE_ACCOUNT_JSON
        ? fcmTransport({
            kind: 'google',
            projectId,
            serviceAccount: JSON.parse(config.FCM_SERVICE_ACCOUNT_JSON) as object,
          })
        : consoleTransport(kit.logger);
    kit.logger.info({ transport: push.name }, 'push transport');
    kit.onStop(() => push.close());
    const deps = { config, db: kit.db, logger: kit.logger, push, live: liveFeed(kit.nc) };
    const now = drainNow(() => drainDue(deps), kit.logger);
    kit.onStop(() => now.stop());
    return { ...deps, deliverNow: () => now.kick() };
  },
  features: [
    devicesFeature,
    preferencesFeature,
    inboxFeature,
    triggersFeature,
    remindersFeature,
    deliveryFeature,
    membersFeature,
  ],
});
