import { commonErrorCatalog, externalErrorCatalog, type ErrorCatalog } from './errors.ts';
import { identityErrorCatalog } from './identity/errors.ts';
import { hubErrorCatalog } from './machines/errors.ts';
import { workoutErrorCatalog } from './workout/errors.ts';
import { analyticsErrorCatalog } from './analytics/errors.ts';
import { notificationErrorCatalog } from './notification/errors.ts';
import { nutritionErrorCatalog } from './nutrition/errors.ts';

/** Every declared error catalog, by owner. A new service adds its catalog here. */
export const errorCatalogs = {
  common: commonErrorCatalog,
  external: externalErrorCatalog,
  identity: identityErrorCatalog,
  'machine-hub': hubErrorCatalog,
  workout: workoutErrorCatalog,
  analytics: analyticsErrorCatalog,
  notification: notificationErrorCatalog,
  nutrition: nutritionErrorCatalog,
} as const satisfies Record<string, ErrorCatalog>;

/** All declared codes in one catalog (a test checks no two owners declare the same code). */
export const errorCatalog = {
  ...commonErrorCatalog,
  ...externalErrorCatalog,
  ...identityErrorCatalog,
  ...hubErrorCatalog,
  ...workoutErrorCatalog,
  ...analyticsErrorCatalog,
  ...notificationErrorCatalog,
  ...nutritionErrorCatalog,
} as const satisfies ErrorCatalog;

/** A code some catalog declares: the only codes an AppError or an operation's `errors` may name. */
export type ErrorCode = keyof typeof errorCatalog;

/** The HTTP status a code is declared with (`number` for BAD_REQUEST, whose status varies). */
export type ErrorStatus<C extends ErrorCode> = (typeof errorCatalog)[C]['status'];

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(errorCatalog, code);
