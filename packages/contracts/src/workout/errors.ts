import { codesOf, type ErrorCatalog } from '../errors.ts';

/** Every error code workout answers with, beyond the common ones. */
export const workoutErrorCatalog = {
  SESSION_ALREADY_ACTIVE: { status: 409, description: 'The member is already checked in; check out first' },
  NO_ACTIVE_SESSION: { status: 404, description: 'The member is not checked in' },
  NO_ACTIVE_PLAN: { status: 404, description: 'The member has no plan yet; generate one' },
  PLAN_NOT_FOUND: { status: 404, description: 'No active plan of the member has this id' },
  UNKNOWN_EXERCISE: { status: 400, description: 'No such exercise in the library' },
  PERFORMED_IN_FUTURE: { status: 400, description: '`performedAt` is in the future' },
} as const satisfies ErrorCatalog;
export const WorkoutErrors = codesOf(workoutErrorCatalog);
