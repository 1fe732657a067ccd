import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { BaseConfig, ConfigError, loadConfig } from './config.ts';

const ServiceConfig = {
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3000 }),
  PAUSE_OUTBOX: Type.Boolean({ default: false }),
  JWT_ISSUER: Type.String(),
};

const configError = (run: () => unknown): ConfigError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('fills in defaults for what is not set', () => {
    const config = loadConfig(ServiceConfig, { JWT_ISSUER: 'nxg' });
    expect(config).toMatchObject({
      NATS_URL: 'nats://127.0.0.1:4222',
      DATA_DIR: '.data',
      LOG_LEVEL: 'info',
      HOST: '0.0.0.0',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      PORT: 3000,
      PAUSE_OUTBOX: false,
      JWT_ISSUER: 'nxg',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('converts numbers and booleans from their string form', () => {
    const config = loadConfig(ServiceConfig, {
      JWT_ISSUER: 'nxg',
      PORT: '8080',
      PAUSE_OUTBOX: 'true',
      SHUTDOWN_TIMEOUT_MS: '2500',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgresql://db.internal:5432/postgres',
    });
    expect(config.PORT).toBe(8080);
    expect(config.PAUSE_OUTBOX).toBe(true);
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(2500);
    expect(config.LOG_LEVEL).toBe('debug');
    expect(config.DATABASE_URL).toBe('postgresql://db.internal:5432/postgres');
    expect(loadConfig(ServiceConfig, { JWT_ISSUER: 'nxg', PAUSE_OUTBOX: 'false' }).PAUSE_OUTBOX).toBe(false);
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig(ServiceConfig, { JWT_ISSUER: 'nxg', PORT: '', LOG_LEVEL: '' });
    expect(config.PORT).toBe(3000);
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('ignores variables it does not declare', () => {
    const config = loadConfig(ServiceConfig, { JWT_ISSUER: 'nxg', PATH: '/usr/bin', AWS_SECRET: 'x' });
    expect(config).not.toHaveProperty('PATH');
    expect(config).not.toHaveProperty('AWS_SECRET');
  });

  it('names a missing required variable', () => {
    const error = configError(() => loadConfig(ServiceConfig, {}));
    expect(error.message).toMatch(/JWT_ISSUER is required/);
  });

  it('names a number that is not one', () => {
    const error = configError(() => loadConfig(ServiceConfig, { JWT_ISSUER: 'nxg', PORT: 'eighty' }));
    expect(error.message).toContain('PORT');
    expect(error.message).not.toContain('JWT_ISSUER');
  });

  it('names a number out of range', () => {
    const error = configError(() =>
      loadConfig(ServiceConfig, { JWT_ISSUER: 'nxg', SHUTDOWN_TIMEOUT_MS: '5' }),
    );
    expect(error.message).toMatch(/SHUTDOWN_TIMEOUT_MS must be >= 100/);
  });

  it('lists the allowed values of a bad choice', () => {
    const error = configError(() => loadConfig(ServiceConfig, { JWT_ISSUER: 'nxg', LOG_LEVEL: 'loud' }));
    expect(error.message).toContain(
      'LOG_LEVEL must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent"',
    );
  });

  it('names a URL with the wrong scheme', () => {
    const error = configError(() =>
      loadConfig(ServiceConfig, { JWT_ISSUER: 'nxg', DATABASE_URL: 'mysql://db/x' }),
    );
    expect(error.message).toContain('DATABASE_URL');
    const redis = configError(() =>
      loadConfig(ServiceConfig, { JWT_ISSUER: 'nxg', REDIS_URL: 'localhost:6379' }),
    );
    expect(redis.message).toContain('REDIS_URL');
  });

  it('names every offending variable at once, however many there are', () => {
    const error = configError(() =>
      loadConfig(ServiceConfig, {
        DATABASE_URL: 'mysql://db/x',
        LOG_LEVEL: 'loud',
        SHUTDOWN_TIMEOUT_MS: 'soon',
        PORT: '0',
        PAUSE_OUTBOX: 'maybe',
      }),
    );
    for (const name of [
      'JWT_ISSUER',
      'DATABASE_URL',
      'LOG_LEVEL',
      'SHUTDOWN_TIMEOUT_MS',
      'PORT',
      'PAUSE_OUTBOX',
    ]) {
      expect(error.message).toContain(name);
    }
  });

  it('rejects a value outside a long list of choices instead of starting with it', () => {
    const regions = [
      'eu-west-1',
      'eu-west-2',
      'eu-central-1',
      'us-east-1',
      'us-east-2',
      'us-west-1',
      'us-west-2',
      'ap-south-1',
      'ap-east-1',
    ];
    const schema = { REGION: Type.Union(regions.map((r) => Type.Literal(r))) };
    expect(loadConfig(schema, { REGION: 'us-west-2' }).REGION).toBe('us-west-2');
    const error = configError(() => loadConfig(schema, { REGION: 'mars-north-1' }));
    expect(error.message).toContain('REGION must be one of');
    expect(error.message).toContain('"ap-east-1"');
  });
});
