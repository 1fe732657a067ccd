/** Every error code workout answers with, beyond the common ones in contracts. */
export const WorkoutErrors = {
  SESSION_ALREADY_ACTIVE: 'SESSION_ALREADY_ACTIVE',
  NO_ACTIVE_SESSION: 'NO_ACTIVE_SESSION',
  NO_ACTIVE_PLAN: 'NO_ACTIVE_PLAN',
  PLAN_NOT_FOUND: 'PLAN_NOT_FOUND',
  UNKNOWN_EXERCISE: 'UNKNOWN_EXERCISE',
  PERFORMED_IN_FUTURE: 'PERFORMED_IN_FUTURE',
} as const;
