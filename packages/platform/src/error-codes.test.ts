import { errorCatalog, WorkoutErrors } from '@nxg/contracts';
import { describe, expect, it } from 'vitest';
import { AppError, forbidden, internalError, notFound, validationError } from './errors.ts';

describe('AppError codes', () => {
  it('are the declared codes with their declared status (tsc refuses anything else)', () => {
    const planGone = new AppError(404, WorkoutErrors.PLAN_NOT_FOUND, 'No such plan');
    expect(planGone.status).toBe(errorCatalog.PLAN_NOT_FOUND.status);

    // @ts-expect-error a code no catalog declares (a typo) does not compile
    const typo = new AppError(404, 'PLAN_NOT_FUND', 'No such plan');
    // @ts-expect-error a declared code with another status than its declared one does not compile
    const wrongStatus = new AppError(400, WorkoutErrors.PLAN_NOT_FOUND, 'No such plan');
    // Nothing stops them at run time: the compiler is the guard, so these lines must stay errors.
    expect([typo.code, wrongStatus.status]).toEqual(['PLAN_NOT_FUND', 400]);
  });

  it('of the platform’s own helpers answer with the status their code is documented with', () => {
    for (const error of [notFound('Plan'), forbidden(), validationError([]), internalError(new Error('x'))]) {
      expect(error.status, error.code).toBe(errorCatalog[error.code].status);
    }
  });
});
