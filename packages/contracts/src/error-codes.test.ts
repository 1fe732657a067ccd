import { describe, expect, it } from 'vitest';
import { errorCatalog, errorCatalogs, isErrorCode } from './error-codes.ts';
import { identity, machines, notification, nutrition, workout } from './index.ts';
import { problemCodesOf, problemsOf } from './operation-problems.ts';

const operations = [...identity.all, ...machines.all, ...workout.all, ...notification.all, ...nutrition.all];

describe('error catalogs', () => {
  it('declare each code once, whoever owns it', () => {
    const owners = new Map<string, string[]>();
    for (const [owner, catalog] of Object.entries(errorCatalogs)) {
      for (const code of Object.keys(catalog)) owners.set(code, [...(owners.get(code) ?? []), owner]);
    }
    const twice = [...owners].filter(([, by]) => by.length > 1);
    expect(twice, 'codes declared by more than one catalog').toEqual([]);
    expect(Object.keys(errorCatalog)).toHaveLength(owners.size);
  });

  it('give every code an error status and a description for the docs', () => {
    for (const [code, spec] of Object.entries(errorCatalog)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(spec.status, code).toBeGreaterThanOrEqual(400);
      expect(spec.status, code).toBeLessThan(600);
      expect(spec.description.length, code).toBeGreaterThan(10);
    }
  });
});

describe('operation problems', () => {
  it('name only declared codes', () => {
    for (const op of operations) {
      const undeclared = op.errors.filter((code) => !isErrorCode(code));
      expect(undeclared, op.name).toEqual([]);
    }
  });

  it('list an operation’s own codes under their status, beside those its kind answers', () => {
    const problems = problemsOf(workout.customizePlan);
    expect(problems.get(404)).toEqual(['PLAN_NOT_FOUND']);
    expect(problems.get(400)).toEqual(
      expect.arrayContaining(['VALIDATION_FAILED', 'MALFORMED_JSON', 'UNKNOWN_EXERCISE']),
    );
    expect(problems.get(401)).toEqual(
      expect.arrayContaining(['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED']),
    );
    expect(problems.get(403)).toEqual(['FORBIDDEN']);
    expect(problems.get(429)).toEqual(['RATE_LIMITED']);
    expect([...problems.keys()]).toEqual([400, 401, 403, 404, 413, 415, 429, 500, 503, 504]);
  });

  it('leave out what cannot happen: token codes on public routes, body codes on GET, cursors off lists', () => {
    const login = problemCodesOf(identity.login);
    expect(login).toEqual(expect.arrayContaining(['INVALID_CREDENTIALS', 'LOGIN_LOCKED', 'RATE_LIMITED']));
    expect(login).not.toContain('TOKEN_EXPIRED');
    expect(login).not.toContain('FORBIDDEN');

    const me = problemCodesOf(identity.getMe);
    expect(me).toContain('USER_NOT_FOUND');
    expect(me).not.toContain('MALFORMED_JSON');
    expect(me).not.toContain('INVALID_CURSOR');

    expect(problemCodesOf(workout.listLogs)).toContain('INVALID_CURSOR');
    // Internal operations are not routed: no rate limit, no token check at the gateway.
    expect(problemCodesOf(workout.plannedForMachine)).not.toContain('RATE_LIMITED');
  });
});
