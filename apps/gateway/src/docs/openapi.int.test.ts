import { errorCatalog, isErrorCode, problemCodesOf } from '@nxg/contracts';
import { startPlatform, type TestPlatform } from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../service.ts';

interface ProblemResponse {
  description: string;
  content: Record<
    string,
    { schema: { allOf: [{ $ref: string }, { properties: { code: { enum: string[] } } }] } }
  >;
}
interface OpenApiOperation {
  operationId: string;
  parameters?: { in: string; name: string; required?: boolean; schema: { maxLength?: number } }[];
  responses: Record<string, ProblemResponse>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, unknown> };
}

let platform: TestPlatform;
let document: OpenApiDocument;

beforeAll(async () => {
  platform = await startPlatform();
  const response = await platform.services.gateway![0]!.app!.inject({ method: 'GET', url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  document = response.json();
});
afterAll(() => platform?.stop());

/** The documented operation with this id, wherever its path is. */
function documented(operationId: string): OpenApiOperation {
  for (const methods of Object.values(document.paths)) {
    for (const entry of Object.values(methods)) if (entry.operationId === operationId) return entry;
  }
  throw new Error(`${operationId} is not in the OpenAPI document`);
}

const codesOf = (response: ProblemResponse | undefined) =>
  response?.content['application/problem+json']?.schema.allOf[1].properties.code.enum;

describe('the OpenAPI document lists the problems each operation may answer', () => {
  it('lists an operation’s own codes under their status, as problem+json', () => {
    const customize = documented('workout.plans.customize');
    expect(codesOf(customize.responses['404'])).toEqual(['PLAN_NOT_FOUND']);
    expect(customize.responses['404']!.description).toContain('`PLAN_NOT_FOUND`');
    expect(codesOf(customize.responses['400'])).toEqual(
      expect.arrayContaining(['VALIDATION_FAILED', 'MALFORMED_JSON', 'UNKNOWN_EXERCISE']),
    );
    expect(codesOf(customize.responses['401'])).toContain('TOKEN_EXPIRED');
    expect(codesOf(customize.responses['429'])).toEqual(['RATE_LIMITED']);
    expect(codesOf(customize.responses['504'])).toEqual(['UPSTREAM_TIMEOUT']);
    // The success answer is still there.
    expect(customize.responses['200']!.content['application/json']).toBeDefined();

    const link = documented('machine-hub.machines.link');
    expect(codesOf(link.responses['409'])).toEqual(
      expect.arrayContaining(['QR_TOKEN_USED', 'MACHINE_OCCUPIED', 'MACHINE_UNAVAILABLE', 'ALREADY_LINKED']),
    );
    expect(codesOf(link.responses['410'])).toEqual(['QR_TOKEN_EXPIRED']);
  });

  it('documents every routed operation’s problems, all of them declared codes under their own status', () => {
    for (const op of operations.filter((o) => o.http)) {
      const entry = documented(op.name);
      const listed: string[] = [];
      for (const [status, response] of Object.entries(entry.responses)) {
        if (Number(status) < 400) continue;
        const codes = codesOf(response) ?? [];
        expect(codes.length, `${op.name} ${status}`).toBeGreaterThan(0);
        for (const code of codes) {
          expect(isErrorCode(code), `${op.name}: ${code}`).toBe(true);
          if (isErrorCode(code))
            expect(errorCatalog[code].status, `${op.name}: ${code}`).toBe(Number(status));
        }
        listed.push(...codes);
      }
      expect(listed.sort(), op.name).toEqual(problemCodesOf(op).sort());
    }
  });

  it('documents the Idempotency-Key header on critical writes only', () => {
    const critical = operations.filter((o) => o.http && o.critical).map((o) => o.name);
    expect(critical).toEqual(
      expect.arrayContaining([
        'identity.register',
        'machine-hub.machines.link',
        'workout.logs.create',
        'workout.plans.generate',
      ]),
    );
    for (const op of operations.filter((o) => o.http)) {
      const header = documented(op.name).parameters?.find(
        (p) => p.in === 'header' && p.name === 'Idempotency-Key',
      );
      expect(Boolean(header), op.name).toBe(critical.includes(op.name));
      if (header) {
        expect(header.required ?? false).toBe(false);
        expect(header.schema.maxLength).toBe(200);
        const problems = documented(op.name).responses;
        expect(codesOf(problems['422'])).toContain('IDEMPOTENCY_KEY_REUSED');
        expect(codesOf(problems['409'])).toContain('IDEMPOTENCY_KEY_IN_PROGRESS');
      }
    }
  });

  it('gives operations without output their 204 and keeps the problem schema in components', () => {
    const logout = documented('identity.logout');
    expect(logout.responses['204']).toEqual({ description: 'No Content' });
    expect(logout.responses['200']).toBeUndefined();
    expect(document.components.schemas.Problem).toMatchObject({ required: expect.arrayContaining(['code']) });
  });
});
