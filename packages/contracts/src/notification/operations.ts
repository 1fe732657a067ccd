import Type from 'typebox';
import { defineOperation } from '../operation.ts';
import { Id, page, Pagination } from '../identity/schemas.ts';
import { NotificationErrors as E } from './errors.ts';
import {
  CategorySwitches,
  Device,
  DevicePlatform,
  DeviceToken,
  Notification,
  Preferences,
  QuietHours,
  Reminders,
  WorkoutReminder,
} from './schemas.ts';

const humans = ['member'] as const;

export const registerDevice = defineOperation('notification', 'devices.register', {
  summary:
    'Register (or refresh) this device’s push token; a token registered by another member moves to this one',
  http: { method: 'POST', path: '/v1/notifications/devices', status: 201, bodyLimit: 8192 },
  access: humans,
  critical: true,
  body: Type.Object({ token: DeviceToken, platform: DevicePlatform }, { additionalProperties: false }),
  output: Device,
});

export const removeDevice = defineOperation('notification', 'devices.remove', {
  summary: 'Stop pushing to a device (sign-out on that phone)',
  http: { method: 'DELETE', path: '/v1/notifications/devices/{deviceId}', status: 204 },
  access: humans,
  params: Type.Object({ deviceId: Id }, { additionalProperties: false }),
  output: null,
  errors: [E.DEVICE_NOT_FOUND],
});

export const getPreferences = defineOperation('notification', 'preferences.get', {
  summary: 'Which categories are pushed, quiet hours and time zone',
  http: { method: 'GET', path: '/v1/notifications/preferences', status: 200 },
  access: humans,
  output: Preferences,
});

export const putPreferences = defineOperation('notification', 'preferences.put', {
  summary:
    'Replace the preferences (a category left out is on; no quietHours: none; no timezone: the profile’s, else UTC; no reminders.workout: 08:00 on the plan’s training days; a meal left out: the meal plan’s time). Quiet hours defer pushes, never drop them',
  http: { method: 'PUT', path: '/v1/notifications/preferences', status: 200 },
  access: humans,
  body: Type.Object(
    {
      categories: Type.Optional(Type.Partial(CategorySwitches, { additionalProperties: false })),
      quietHours: Type.Optional(Type.Union([QuietHours, Type.Null()])),
      timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      reminders: Type.Optional(
        Type.Object(
          {
            workout: Type.Optional(Type.Union([WorkoutReminder, Type.Null()])),
            meals: Type.Optional(Reminders.properties.meals),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  output: Preferences,
  errors: [E.UNKNOWN_TIMEZONE, E.EMPTY_QUIET_HOURS, E.DUPLICATE_WEEKDAY],
});

export const listNotifications = defineOperation('notification', 'inbox.list', {
  summary: 'The inbox: every notification, pushed or not, newest first',
  http: { method: 'GET', path: '/v1/notifications', status: 200 },
  access: humans,
  query: Type.Object(Pagination, { additionalProperties: false }),
  output: page(Notification),
});

export const markRead = defineOperation('notification', 'inbox.read', {
  summary: 'Mark a notification as read',
  http: { method: 'POST', path: '/v1/notifications/{id}/read', status: 200 },
  access: humans,
  params: Type.Object({ id: Id }, { additionalProperties: false }),
  output: Notification,
  errors: [E.NOTIFICATION_NOT_FOUND],
});

export const all = [
  registerDevice,
  removeDevice,
  getPreferences,
  putPreferences,
  listNotifications,
  markRead,
];
