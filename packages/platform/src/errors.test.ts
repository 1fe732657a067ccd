import { describe, expect, it } from 'vitest';
import { AppError, forbidden, internalError, notFound, toProblem, validationError } from './errors.ts';

describe('toProblem', () => {
  it('hides the message of an internal error and gives the request id to quote', () => {
    const problem = toProblem(
      internalError(new Error('connection to 10.0.0.5 refused, password=hunter2')),
      'req-12345678',
    );
    expect(problem).toMatchObject({
      type: 'urn:nxg:problem:internal',
      title: 'Internal Server Error',
      status: 500,
      code: 'INTERNAL',
      requestId: 'req-12345678',
    });
    expect(problem.detail).toContain('req-12345678');
    expect(JSON.stringify(problem)).not.toMatch(/10\.0\.0\.5|hunter2|Internal error/);
  });

  it('keeps the message of a deliberate 5xx that is not internal (the caller can act on it)', () => {
    const problem = toProblem(
      new AppError(503, 'SERVICE_UNAVAILABLE', 'The identity service is not available'),
      'r1',
    );
    expect(problem).toMatchObject({
      status: 503,
      title: 'Service Unavailable',
      detail: 'The identity service is not available',
    });
  });

  it('keeps the detail of a client error', () => {
    const problem = toProblem(notFound('Branch'), 'req-1');
    expect(problem).toEqual({
      type: 'urn:nxg:problem:not_found',
      title: 'Not Found',
      status: 404,
      detail: 'Branch not found',
      code: 'NOT_FOUND',
      requestId: 'req-1',
    });
    expect(toProblem(forbidden(), 'req-2')).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
      detail: 'You may not do this',
    });
  });

  it('lists field errors of a validation failure', () => {
    const problem = toProblem(
      validationError([
        { path: '/email', message: 'is required' },
        { path: '/age', message: 'must be >= 13' },
      ]),
      'req-3',
    );
    expect(problem).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: 'The request is not valid',
    });
    expect(problem.errors).toEqual([
      { path: '/email', message: 'is required' },
      { path: '/age', message: 'must be >= 13' },
    ]);
  });

  it('leaves out the errors list when there are none, and titles an unusual status', () => {
    const problem = toProblem(
      new AppError(410, 'QR_TOKEN_EXPIRED', 'The QR code has expired', { details: { machineId: 'm1' } }),
      'r',
    );
    expect(problem).not.toHaveProperty('errors');
    expect(problem.title).toBe('Error');
  });
});

describe('AppError', () => {
  it('survives the trip through a reply body', () => {
    const original = new AppError(409, 'USERNAME_TAKEN', 'That username is taken', {
      details: [{ path: '/username', message: 'taken' }],
    });
    const copy = AppError.fromBody(JSON.parse(JSON.stringify(original.toBody())));
    expect(copy).toBeInstanceOf(AppError);
    expect(copy).toMatchObject({
      status: 409,
      code: 'USERNAME_TAKEN',
      message: 'That username is taken',
      details: original.details,
    });
  });
});
