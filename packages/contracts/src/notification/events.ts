import Type from 'typebox';
import { defineEvent } from '../event.ts';

const at = Type.String({ format: 'date-time' });
const about = {
  notificationId: Type.String(),
  userId: Type.String(),
  category: Type.String(),
  kind: Type.String(),
};

export const notificationSent = defineEvent({
  type: 'notification.sent',
  stream: 'NOTIFICATION',
  dataVersion: 1,
  description:
    'A notification was pushed: FCM accepted it for at least one of the member’s devices (devices says how many).',
  data: Type.Object({ ...about, devices: Type.Integer(), failedDevices: Type.Integer(), at }),
});

export const notificationFailed = defineEvent({
  type: 'notification.failed',
  stream: 'NOTIFICATION',
  dataVersion: 1,
  description:
    'A notification could not be pushed to any of the member’s devices (tokens dead, or FCM failing past the retries); it stays in the inbox.',
  data: Type.Object({ ...about, failedDevices: Type.Integer(), reason: Type.String(), at }),
});

export const all = [notificationSent, notificationFailed];
