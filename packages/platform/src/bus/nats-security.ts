import { readFileSync } from 'node:fs';
import { nkeyAuthenticator, type ConnectionOptions } from '@nats-io/transport-node';

/** What a service proves to NATS and how it checks the server: all optional (a local NATS has none). */
export interface NatsSecurity {
  /** The service's own NKEY seed (`SU…`): the server knows only its public key (deploy/nats). */
  nkeySeed?: string;
  /** TLS: the CA that signed the server's certificate, and the client's own certificate and key. */
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** PEM given inline (a secret store's value) or the path of a file holding it. */
const pem = (value: string): string =>
  value.trimStart().startsWith('-----BEGIN') ? value : readFileSync(value, 'utf8');

/**
 * The inbox prefix of a service's connection. Permissions let each service subscribe to its own
 * inboxes only, so no other service can read the replies to its calls or its JetStream fetches.
 */
export const serviceInboxPrefix = (service: string) => `_INBOX_${service}`;

/** Connection options for a service's credentials and TLS settings (nothing when none is set). */
export function natsConnectionSecurity(security: NatsSecurity): Partial<ConnectionOptions> {
  const options: Partial<ConnectionOptions> = {};
  if (security.nkeySeed) {
    const seed = new TextEncoder().encode(security.nkeySeed.trim());
    options.authenticator = nkeyAuthenticator(seed);
  }
  if (security.tlsCert && !security.tlsKey) throw new Error('NATS_TLS_CERT needs NATS_TLS_KEY');
  if (security.tlsCa || security.tlsCert) {
    options.tls = {
      ...(security.tlsCa ? { ca: pem(security.tlsCa) } : {}),
      ...(security.tlsCert ? { cert: pem(security.tlsCert), key: pem(security.tlsKey!) } : {}),
    };
  }
  return options;
}
