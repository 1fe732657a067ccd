import { createHash } from 'node:crypto';
import { ConfigError } from '../config.ts';

/** Everyone knows this one: it only lets a developer's services trust each other on their own NATS. */
const DEVELOPMENT_KEY = createHash('sha256').update('nxg-connect development bus key').digest();

const MIN_BYTES = 32;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** SERVICE_KEY as hex or base64 (either alphabet), at least 32 bytes; undefined when not set. */
export function parseServiceKey(value: string | undefined): Buffer | undefined {
  if (value === undefined || value === '') return undefined;
  const key = HEX.test(value)
    ? Buffer.from(value, 'hex')
    : BASE64.test(value)
      ? Buffer.from(value.replaceAll('-', '+').replaceAll('_', '/'), 'base64')
      : undefined;
  if (!key || key.length < MIN_BYTES) {
    throw new ConfigError(
      `invalid configuration:\n  SERVICE_KEY must be at least ${MIN_BYTES} random bytes, as hex or base64`,
    );
  }
  return key;
}

/**
 * The platform's bus key. Production must configure it (a ConfigError otherwise: exit 78);
 * elsewhere the fixed development key stands in, which `onDevelopmentKey` is told about.
 */
export function serviceKeyFrom(
  config: { SERVICE_KEY?: string; NODE_ENV: string },
  onDevelopmentKey: () => void = () => {},
): Buffer {
  const key = parseServiceKey(config.SERVICE_KEY);
  if (key) return key;
  if (config.NODE_ENV === 'production') {
    throw new ConfigError(
      'invalid configuration:\n  SERVICE_KEY is required in production (32+ random bytes, hex or base64)',
    );
  }
  onDevelopmentKey();
  return DEVELOPMENT_KEY;
}
