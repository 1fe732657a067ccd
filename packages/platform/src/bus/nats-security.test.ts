import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { natsConnectionSecurity } from './nats-security.ts';

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('natsConnectionSecurity', () => {
  it('asks for nothing when no credential or TLS setting is given (a developer’s NATS)', () => {
    expect(natsConnectionSecurity({})).toEqual({});
  });

  it('takes PEM inline (a secret store’s value) or from a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'nats-tls-')), 'ca.pem');
    writeFileSync(file, pem);
    expect(natsConnectionSecurity({ tlsCa: pem }).tls).toEqual({ ca: pem });
    expect(natsConnectionSecurity({ tlsCa: file }).tls).toEqual({ ca: pem });
  });

  it('refuses a client certificate without its key, naming the variable', () => {
    expect(() => natsConnectionSecurity({ tlsCert: pem })).toThrow(/NATS_TLS_KEY/);
  });

  it('logs in with the NKEY seed', () => {
    const seed = 'SUAIDL5RTU4SMWIZCX4MYB3NOUFG3C57IEGYPZEI6AMMAQ2DNMSAKHQHNA';
    expect(natsConnectionSecurity({ nkeySeed: seed }).authenticator).toBeTypeOf('function');
  });
});
