import Type from 'typebox';
import { defineOperation } from '../operation.ts';
import { IdentityErrors } from '../identity/errors.ts';
import { Id, page, Pagination } from '../identity/schemas.ts';
import { AnalyticsErrors as E } from './errors.ts';
import {
  Achievement,
  BodyTrend,
  NutritionSummary,
  Leaderboard,
  LeaderboardPeriod,
  LocalDate,
  PersonalRecord,
  PointsAward,
  WorkoutPeriod,
  WorkoutSummary,
} from './schemas.ts';

const humans = ['member'] as const;

export const workoutSummary = defineOperation('analytics', 'workouts.summary', {
  summary:
    'Workout figures per day of a calendar week, month or year (the one holding `from`, default the current one)',
  http: { method: 'GET', path: '/v1/analytics/workouts', status: 200 },
  access: humans,
  query: Type.Object(
    { period: Type.Optional(WorkoutPeriod), from: Type.Optional(LocalDate) },
    { additionalProperties: false },
  ),
  output: WorkoutSummary,
  errors: [E.INVALID_DATE],
});

export const personalRecords = defineOperation('analytics', 'records.list', {
  summary: 'Personal records per exercise: heaviest set, best estimated 1RM (Epley), most reps at a weight',
  http: { method: 'GET', path: '/v1/analytics/records', status: 200 },
  access: humans,
  output: Type.Object({ items: Type.Array(PersonalRecord) }),
});

export const myPoints = defineOperation('analytics', 'points.mine', {
  summary: 'The member’s points: the total and the ledger, newest first, each award citing its event',
  http: { method: 'GET', path: '/v1/me/points', status: 200 },
  access: humans,
  query: Type.Object(Pagination, { additionalProperties: false }),
  output: Type.Object({ total: Type.Integer(), ledger: page(PointsAward) }),
});

export const myAchievements = defineOperation('analytics', 'achievements.mine', {
  summary: 'Every achievement, unlocked or not, with when and by which event',
  http: { method: 'GET', path: '/v1/me/achievements', status: 200 },
  access: humans,
  output: Type.Object({ items: Type.Array(Achievement) }),
});

export const branchLeaderboard = defineOperation('analytics', 'leaderboards.branch', {
  summary:
    'A branch’s members ranked by the points they earned there in the week or month (branch time zone) holding `from`',
  http: { method: 'GET', path: '/v1/leaderboards/branches/{branchId}', status: 200 },
  access: humans,
  params: Type.Object({ branchId: Id }, { additionalProperties: false }),
  query: Type.Object(
    {
      period: Type.Optional(LeaderboardPeriod),
      from: Type.Optional(LocalDate),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
    },
    { additionalProperties: false },
  ),
  output: Leaderboard,
  errors: [E.INVALID_DATE, IdentityErrors.BRANCH_NOT_FOUND],
});

export const bodyTrend = defineOperation('analytics', 'body.trend', {
  summary:
    'Body-composition trend: each measured day of a calendar week, month or year (member’s days) and the change over it; the figures are read from identity, never kept by analytics',
  http: { method: 'GET', path: '/v1/analytics/body', status: 200 },
  access: humans,
  query: Type.Object(
    { period: Type.Optional(WorkoutPeriod), from: Type.Optional(LocalDate) },
    { additionalProperties: false },
  ),
  output: BodyTrend,
  errors: [E.INVALID_DATE],
});

export const nutritionSummary = defineOperation('analytics', 'nutrition.summary', {
  summary:
    'Nutrition per day of a calendar week, month or year: meals planned and logged, kcal and macros eaten against the meal plan’s targets',
  http: { method: 'GET', path: '/v1/analytics/nutrition', status: 200 },
  access: humans,
  query: Type.Object(
    { period: Type.Optional(WorkoutPeriod), from: Type.Optional(LocalDate) },
    { additionalProperties: false },
  ),
  output: NutritionSummary,
  errors: [E.INVALID_DATE],
});

export const all = [
  workoutSummary,
  personalRecords,
  myPoints,
  myAchievements,
  branchLeaderboard,
  bodyTrend,
  nutritionSummary,
] as const;
