import { identity, type Operation } from '@nxg/contracts';
import { callOperation } from '@nxg/platform';
import { adminEnv, platformAdmin as admin, registerMember, usePlatform } from '@nxg/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../service.ts';

const { platform, api } = usePlatform({
  env: { identity: adminEnv, gateway: { RATE_LIMIT_MAX: '100000', AUTH_RATE_LIMIT_MAX: '100000' } },
});
let token: string;
const uuid = '01a20000-0000-7000-8000-000000000000';

beforeAll(async () => {
  // A platform admin passes every role check, so validation is what is tested.
  token = (await api.post('/v1/auth/login', { login: admin.email, password: admin.password })).body
    .accessToken;
});

const pathOf = (op: Operation) => op.http!.path.replace(/\{\w+\}/g, uuid);
/**
 * Every routed operation that takes a JSON body. Multipart uploads and webhooks have their own:
 * photo-bad-input.int.test.ts, scans-journey.int.test.ts.
 */
const withBody = operations.filter(
  (op) => op.http && op.body && !op.http.upload && !op.http.fileUpload && !op.http.webhook,
);

/** Sends a raw body to an operation and checks the answer is a 4xx problem with a code. */
async function expectProblem(op: Operation, raw: string, status: number | number[], path = pathOf(op)) {
  const response = await api.send(op.http!.method, path, { raw, token });
  const allowed = Array.isArray(status) ? status : [status];
  expect(allowed, `${op.name} answered ${response.status}: ${JSON.stringify(response.body)}`).toContain(
    response.status,
  );
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({
    status: response.status,
    code: expect.any(String),
    requestId: expect.any(String),
  });
  return response.body as { code: string };
}

describe('bad input on every route gets a 4xx problem, never a 500', () => {
  it.each(withBody.map((op) => [op.name, op] as const))('%s: malformed JSON', async (_name, op) => {
    expect((await expectProblem(op, '{"unterminated": ', 400)).code).toBe('MALFORMED_JSON');
  });

  it.each(withBody.map((op) => [op.name, op] as const))('%s: a __proto__ key', async (_name, op) => {
    await expectProblem(op, '{"__proto__": {"isAdmin": true}}', 400);
  });

  it.each(withBody.map((op) => [op.name, op] as const))('%s: not an object', async (_name, op) => {
    expect((await expectProblem(op, '[1, 2, 3]', 400)).code).toBe('VALIDATION_FAILED');
    expect((await expectProblem(op, '"text"', 400)).code).toBe('VALIDATION_FAILED');
  });

  it.each(withBody.map((op) => [op.name, op] as const))('%s: an unknown field', async (_name, op) => {
    expect((await expectProblem(op, JSON.stringify({ unexpectedField: 1 }), 400)).code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it.each(withBody.map((op) => [op.name, op] as const))(
    '%s: wrong types in every field',
    async (_name, op) => {
      const wrong = Object.fromEntries(
        Object.keys(op.body!.properties).map((key) => [key, { nested: [true] }]),
      );
      expect((await expectProblem(op, JSON.stringify(wrong), 400)).code).toBe('VALIDATION_FAILED');
    },
  );

  it.each(withBody.map((op) => [op.name, op] as const))('%s: very long strings', async (_name, op) => {
    const long = Object.fromEntries(Object.keys(op.body!.properties).map((key) => [key, 'x'.repeat(20_000)]));
    await expectProblem(op, JSON.stringify(long), [400, 413]);
  });

  it.each(withBody.map((op) => [op.name, op] as const))('%s: a body over the limit', async (_name, op) => {
    const huge = JSON.stringify({ filler: 'y'.repeat(200 * 1024) });
    expect((await expectProblem(op, huge, 413)).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a missing required field is named', async () => {
    const response = await api.post('/v1/auth/register', {
      email: 'a@b.test',
      username: 'someone',
      name: 'No Password',
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([{ path: 'body/password', message: 'is required' }]),
    );
  });

  it('a body that is not JSON is refused as such', async () => {
    const response = await api.send('POST', '/v1/auth/login', {
      raw: 'login=a&password=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
    expect(response.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('bad query parameters and path ids are 400s', async () => {
    for (const query of ['limit=abc', 'limit=0', 'limit=1000', 'unknown=1', `cursor=${'z'.repeat(500)}`]) {
      const response = await api.get(`/v1/branches?${query}`, token);
      expect(response.status, query).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
    const badId = await api.put(`/v1/branches/${'9'.repeat(40)}/staff/${uuid}`, { role: 'trainer' }, token);
    expect(badId.status).toBe(400);
  });

  it('an unknown route is a 404 problem', async () => {
    const response = await api.get('/v1/nothing-here', token);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('ROUTE_NOT_FOUND');
  });

  it('the service re-checks what reaches it over NATS', async () => {
    const member = await registerMember(api);
    const direct = callOperation(
      platform.busAs('gateway'),
      identity.updateProfile,
      { name: 42 },
      { requestId: 'direct', userId: member.user.id, roles: ['member'], branchRoles: {} },
      { timeoutMs: 5000 },
    );
    await expect(direct).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});
