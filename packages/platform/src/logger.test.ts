import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { loggerOptions } from './logger.ts';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLXZhbHVl';

/** A logger like a service's, writing its lines to an array. */
function capture() {
  const lines: string[] = [];
  const logger = pino(loggerOptions('test', 'info', { pretty: false }), {
    write: (line: string) => void lines.push(line),
  });
  const json = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  // Without the timestamp, whose digits could match a figure looked for.
  const text = () => JSON.stringify(json().map(({ time: _time, ...rest }) => rest));
  return { logger, text, json };
}

describe('log redaction', () => {
  it('redacts secrets, tokens, contact data and health figures under any key at any depth', () => {
    const { logger, text, json } = capture();
    logger.info(
      {
        userId: 'u-1',
        body: {
          password: 'hunter2 hunter2',
          profile: {
            email: 'a@b.test',
            deep: { deeper: { refresh_token: 'rt-abcdef', totpSecret: 'JBSWY3DPEHPK3PXP' } },
          },
          qrToken: 'qr-123456789',
          machine: { credentials: { machineId: 'm-1', secret: 'machine-secret-value' } },
          body: { weightKg: 81.5, bodyFatPct: 18.2, heartRateBpm: 142, healthConditions: ['asthma'] },
        },
        items: [{ accessToken: 'at-1' }, { apiKey: 'k-1' }],
      },
      'request handled',
    );
    const out = text();
    for (const leaked of [
      'hunter2',
      'a@b.test',
      'rt-abcdef',
      'JBSWY3DPEHPK3PXP',
      'qr-123456789',
      'machine-secret-value',
      '81.5',
      '18.2',
      '142',
      'asthma',
      'at-1',
      'k-1',
    ])
      expect(out, leaked).not.toContain(leaked);
    expect(json()[0]).toMatchObject({
      userId: 'u-1',
      msg: 'request handled',
      body: { password: '[redacted]' },
    });
  });

  it('masks tokens written into messages, strings and query strings', () => {
    const { logger, text } = capture();
    logger.info(`verified ${jwt}`);
    logger.warn(
      { header: `Bearer ${jwt}`, url: '/v1/live?access_token=abcdefgh123&branchId=b' },
      'odd request',
    );
    logger.info({ uri: 'otpauth://totp/NXG:a?secret=JBSWY3DPEHPK3PXP' }, 'enrolled');
    const out = text();
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('abcdefgh123');
    expect(out).not.toContain('JBSWY3DPEHPK3PXP');
    expect(out).toContain('branchId=b');
  });

  it('logs errors through an allow-list: codes and the stack, not a driver’s detail or a request’s headers', () => {
    const { logger, json } = capture();
    const database = Object.assign(
      new Error('duplicate key value violates unique constraint "users_email_key"'),
      {
        severity: 'ERROR',
        code: '23505',
        detail: 'Key (lower(email))=(someone@example.test) already exists.',
        constraint: 'users_email_key',
        table: 'users',
        parameters: ['someone@example.test', 'argon2-hash'],
      },
    );
    logger.error({ err: database }, 'insert failed');
    const outbound = Object.assign(new Error('request failed'), {
      code: 'UND_ERR_CONNECT',
      options: { headers: { authorization: `Bearer ${jwt}`, 'x-api-key': 'partner-key-1' } },
      cause: new AppError(400, 'VALIDATION_FAILED', 'bad', {
        details: [{ path: '/password', message: 'too short' }],
      }),
    });
    logger.error({ err: outbound }, 'external call failed');
    const [db, ext] = json() as [{ err: Record<string, unknown> }, { err: Record<string, unknown> }];
    expect(db.err).toMatchObject({
      type: 'Error',
      code: '23505',
      constraint: 'users_email_key',
      table: 'users',
    });
    expect(JSON.stringify(db)).not.toContain('someone@example.test');
    expect(JSON.stringify(db)).not.toContain('argon2-hash');
    expect(ext.err).toMatchObject({ code: 'UND_ERR_CONNECT', cause: { code: 'VALIDATION_FAILED' } });
    expect(JSON.stringify(ext)).not.toContain('partner-key-1');
    expect(JSON.stringify(ext)).not.toContain(jwt);
  });

  it('logs an outbound call without its headers', () => {
    const { logger, text, json } = capture();
    logger.info(
      {
        outbound: {
          method: 'POST',
          url: 'https://ai.example/v1/plans?key=abc',
          status: 200,
          headers: { authorization: 'Bearer s3cr3t-token-value' },
        },
      },
      'external call answered',
    );
    expect(text()).not.toContain('s3cr3t-token-value');
    expect(json()[0]).toMatchObject({
      outbound: { method: 'POST', url: 'https://ai.example/v1/plans', status: 200 },
    });
  });
});

describe('trace ids in logs', () => {
  it('stamps a line written inside a trace with its trace and span ids, and no others', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const { logger, json } = capture();
      const ids = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
      const span = trace.wrapSpanContext({ ...ids, traceFlags: TraceFlags.SAMPLED });
      context.with(trace.setSpan(ROOT_CONTEXT, span), () => logger.info('inside'));
      logger.info('outside');
      const [inside, outside] = json();
      expect(inside).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
      expect(outside).not.toHaveProperty('trace_id');
    } finally {
      context.disable();
    }
  });
});
