import Type from 'typebox';
import { defineEvent } from '../event.ts';
import { RecordKind } from './schemas.ts';

const at = Type.String({ format: 'date-time' });

export const pointsAwarded = defineEvent({
  type: 'analytics.points.awarded',
  stream: 'ANALYTICS',
  dataVersion: 1,
  description:
    'A member earned points under a versioned rule; sourceEventId is the event that earned them (one award per rule and event).',
  data: Type.Object({
    userId: Type.String(),
    awardId: Type.String(),
    ruleId: Type.String(),
    ruleVersion: Type.Integer(),
    points: Type.Integer(),
    reason: Type.String(),
    sourceEventId: Type.String(),
    branchId: Type.Union([Type.String(), Type.Null()]),
    at,
  }),
});

export const achievementUnlocked = defineEvent({
  type: 'analytics.achievement.unlocked',
  stream: 'ANALYTICS',
  dataVersion: 1,
  description: 'A member unlocked an achievement (once per member and achievement).',
  data: Type.Object({
    userId: Type.String(),
    code: Type.String(),
    ruleVersion: Type.Integer(),
    sourceEventId: Type.String(),
    at,
  }),
});

export const recordSet = defineEvent({
  type: 'analytics.record.set',
  stream: 'ANALYTICS',
  dataVersion: 2,
  description:
    'A logged set beat the member’s personal record for an exercise (heaviest, estimated 1RM by Epley, or most reps at a weight), or a machine workout beat a cardio record (longest distance, fastest average speed; logId is then the link id). v2 added the cardio kinds.',
  data: Type.Object({
    userId: Type.String(),
    exerciseName: Type.String(),
    kind: RecordKind,
    value: Type.Number(),
    previous: Type.Union([Type.Number(), Type.Null()]),
    weightKg: Type.Union([Type.Number(), Type.Null()]),
    reps: Type.Union([Type.Integer(), Type.Null()]),
    logId: Type.String(),
    sourceEventId: Type.String(),
    at,
  }),
});

export const all = [pointsAwarded, achievementUnlocked, recordSet];
