import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.ts';
import { BusIdentity, deriveServiceKey } from './bus-identity.ts';
import { parseServiceKey, serviceKeyFrom } from './service-key.ts';

describe('SERVICE_KEY', () => {
  const key = randomBytes(32);

  it('is read as hex, base64 or base64url', () => {
    expect(parseServiceKey(key.toString('hex'))).toEqual(key);
    expect(parseServiceKey(key.toString('base64'))).toEqual(key);
    expect(parseServiceKey(key.toString('base64url'))).toEqual(key);
    expect(parseServiceKey(undefined)).toBeUndefined();
  });

  it('refuses fewer than 32 bytes, or what is neither hex nor base64', () => {
    expect(() => parseServiceKey(randomBytes(16).toString('base64'))).toThrow(ConfigError);
    expect(() => parseServiceKey('not a key at all, with spaces and !!')).toThrow(/SERVICE_KEY/);
  });

  it('is required in production; elsewhere the development key stands in, and says so', () => {
    expect(() => serviceKeyFrom({ NODE_ENV: 'production' })).toThrow(/SERVICE_KEY is required/);
    let told = 0;
    const fallback = serviceKeyFrom({ NODE_ENV: 'development' }, () => (told += 1));
    expect(told).toBe(1);
    expect(fallback).toHaveLength(32);
    expect(serviceKeyFrom({ NODE_ENV: 'production', SERVICE_KEY: key.toString('hex') })).toEqual(key);
  });

  it('gives each service a key of its own, which another service cannot sign with', () => {
    expect(deriveServiceKey(key, 'gateway').export()).not.toEqual(deriveServiceKey(key, 'workout').export());
    const payload = new TextEncoder().encode('{"ctx":{}}');
    const gateway = new BusIdentity(key, 'gateway');
    const workout = new BusIdentity(key, 'workout');
    const signature = workout.sign('label', payload);
    expect(gateway.verify('workout', 'label', payload, signature)).toBe(true);
    expect(gateway.verify('gateway', 'label', payload, signature)).toBe(false);
    expect(gateway.verify('workout', 'other label', payload, signature)).toBe(false);
    expect(new BusIdentity(randomBytes(32), 'x').verify('workout', 'label', payload, signature)).toBe(false);
  });
});
