import { AppError, toProblem } from '@nxg/platform';
import { describe, expect, it } from 'vitest';
import {
  ExternalError,
  ExternalErrorCodes,
  parseRetryAfter,
  translateStatus,
  translateTransportError,
} from './external-errors.ts';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');

  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(['3'], now)).toBe(3_000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('translating external failures', () => {
  it('maps answers to our codes and statuses', () => {
    const cases: [number, string, number][] = [
      [429, 'EXTERNAL_RATE_LIMITED', 503],
      [401, 'EXTERNAL_AUTH_FAILED', 502],
      [403, 'EXTERNAL_AUTH_FAILED', 502],
      [408, 'EXTERNAL_TIMEOUT', 504],
      [500, 'EXTERNAL_UNAVAILABLE', 502],
      [503, 'EXTERNAL_UNAVAILABLE', 502],
      [400, 'EXTERNAL_REQUEST_REJECTED', 502],
      [404, 'EXTERNAL_REQUEST_REJECTED', 502],
    ];
    for (const [upstream, code, status] of cases)
      expect(translateStatus('wps', upstream, {})).toMatchObject({ code, status, upstreamStatus: upstream });
  });

  it('carries Retry-After to our own answer', () => {
    const error = translateStatus('wps', 429, { 'retry-after': '30' });
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.headers).toEqual({ 'retry-after': '30' });
  });

  it('maps transport failures, and knows which ones never left', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(translateTransportError('wps', refused, false)).toMatchObject({
      code: 'EXTERNAL_UNAVAILABLE',
      sent: false,
    });
    const headers = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(translateTransportError('wps', headers, false)).toMatchObject({
      code: 'EXTERNAL_TIMEOUT',
      sent: true,
    });
    expect(translateTransportError('wps', new Error('aborted'), true).code).toBe('EXTERNAL_TIMEOUT');
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    expect(translateTransportError('wps', reset, false)).toMatchObject({
      code: 'EXTERNAL_UNAVAILABLE',
      sent: true,
    });
  });

  it('counts only signs of an unhealthy service against the breaker', () => {
    const counted = Object.values(ExternalErrorCodes).filter((code) =>
      Boolean(new ExternalError('wps', code).countsAgainstBreaker),
    );
    expect(counted.sort()).toEqual(['EXTERNAL_BAD_RESPONSE', 'EXTERNAL_TIMEOUT', 'EXTERNAL_UNAVAILABLE']);
  });

  it('is an AppError that becomes a problem document naming the service, not its answer', () => {
    const error = new ExternalError('workout-planning', 'EXTERNAL_TIMEOUT', { upstreamStatus: 504 });
    expect(error).toBeInstanceOf(AppError);
    const problem = toProblem(error, 'req-1');
    expect(problem).toMatchObject({ status: 504, code: 'EXTERNAL_TIMEOUT', title: 'Gateway Timeout' });
    expect(problem.detail).toBe('The workout-planning service did not answer in time');
    const retryable = error.withRetryable(true);
    expect(retryable).toMatchObject({ code: 'EXTERNAL_TIMEOUT', retryable: true, upstreamStatus: 504 });
  });
});
