import { notification, NotificationErrors } from '@nxg/contracts';
import { AppError, bind, defineFeature, requireUser } from '@nxg/platform';
import type { NotificationDeps } from '../deps.ts';
import { dropDevices, registerDevice } from './device-store.ts';

/** A member's devices: register or refresh a push token, remove a device. */
export const devicesFeature = defineFeature<NotificationDeps>({
  name: 'devices',
  operations: ({ db }) => [
    bind(notification.registerDevice, async ({ token, platform }, ctx) => {
      const userId = requireUser(ctx);
      return db.transaction((tx) => registerDevice(tx, userId, token, platform));
    }),
    bind(notification.removeDevice, async ({ deviceId }, ctx) => {
      const userId = requireUser(ctx);
      const removed = await db.transaction((tx) =>
        dropDevices(tx, 'id = $1 AND user_id = $2', [deviceId, userId]),
      );
      if (!removed) throw new AppError(404, NotificationErrors.DEVICE_NOT_FOUND, 'No such device');
    }),
  ],
});
