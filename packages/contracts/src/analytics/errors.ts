import { codesOf, type ErrorCatalog } from '../errors.ts';

/** Every error code analytics answers with, beyond the common ones. */
export const analyticsErrorCatalog = {
  INVALID_DATE: { status: 400, description: '`from` is not a calendar date (YYYY-MM-DD)' },
} as const satisfies ErrorCatalog;
export const AnalyticsErrors = codesOf(analyticsErrorCatalog);
