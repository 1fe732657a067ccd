import Type from 'typebox';
import { defineEvent } from '../event.ts';

export const userRegistered = defineEvent({
  type: 'identity.user.registered',
  stream: 'IDENTITY',
  dataVersion: 1,
  description: 'A member account was created.',
  data: Type.Object({
    userId: Type.String(),
    username: Type.String(),
    name: Type.String(),
    /** Absent in events written before members had a zone: read it as UTC. */
    timezone: Type.Optional(Type.String()),
    registeredAt: Type.String({ format: 'date-time' }),
  }),
});

/** Carries the non-health profile other services plan with (workout, nutrition). */
export const userUpdated = defineEvent({
  type: 'identity.user.updated',
  stream: 'IDENTITY',
  dataVersion: 1,
  description: "A member's name, time zone or profile changed; health conditions are not included.",
  data: Type.Object({
    userId: Type.String(),
    name: Type.String(),
    /** The member's IANA zone; absent in events written before members had one: read it as UTC. */
    timezone: Type.Optional(Type.String()),
    demographics: Type.Record(Type.String(), Type.Unknown()),
    fitnessProfile: Type.Object({ level: Type.Optional(Type.String()), goal: Type.Optional(Type.String()) }),
    dietPreferences: Type.Record(Type.String(), Type.Unknown()),
  }),
});

export const userDeleted = defineEvent({
  type: 'identity.user.deleted',
  stream: 'IDENTITY',
  dataVersion: 1,
  description: 'An account was erased: every service erases what it holds for userId.',
  data: Type.Object({ userId: Type.String(), deletedAt: Type.String({ format: 'date-time' }) }),
});

export const bodyMeasured = defineEvent({
  type: 'identity.body.measured',
  stream: 'IDENTITY',
  dataVersion: 1,
  description:
    'A body-composition measurement was recorded (the figures are health data and stay in identity).',
  data: Type.Object({
    userId: Type.String(),
    measurementId: Type.String(),
    measuredAt: Type.String({ format: 'date-time' }),
  }),
});

export const all = [userRegistered, userUpdated, userDeleted, bodyMeasured];

/**
 * Core NATS (no stream captures `cache.>`): identity replicas tell each other to forget a cached
 * user view. It used to be `identity.cache.…`, which the IDENTITY stream kept for 30 days.
 */
export const userViewInvalidationSubject = 'cache.identity.users.invalidate';
