import type { NatsConnection } from '@nats-io/transport-node';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { JWKS_REFRESH_MS, JwksKeys } from './jwks-keys.ts';
import { RevocationWatch } from './revocation-watch.ts';
import { TokenVerifier } from './token-verifier.ts';

declare module 'fastify' {
  interface FastifyInstance {
    auth: { verifier: TokenVerifier; revocations: RevocationWatch; keys: JwksKeys };
  }
}

const JWKS_RETRY_MS = 2000;

/**
 * Verification of access and machine tokens for services that take them (gateway, machine-hub):
 * identity's public keys, fetched until they arrive (identity may start later; readiness says so
 * meanwhile) and again every few minutes, and the watched revocation list.
 */
export const authPlugin = fp<{ nc: NatsConnection; issuer: string; audience: string }>(
  async (app, { nc, ...options }) => {
    const keys = new JwksKeys(nc);
    const revocations = new RevocationWatch();
    const load = async (): Promise<void> => {
      try {
        await keys.refresh();
      } catch {
        if (!nc.isClosed()) setTimeout(() => void load(), JWKS_RETRY_MS).unref();
      }
    };
    void load();
    const periodic = setInterval(() => void keys.refresh().catch(() => {}), JWKS_REFRESH_MS);
    periodic.unref();
    app.addHook('onClose', async () => clearInterval(periodic));
    await revocations.start(nc, app.log as Logger);
    app.addHook('onClose', async () => revocations.stop());
    app.decorate('auth', { keys, revocations, verifier: new TokenVerifier(keys, revocations, options) });
  },
  { name: 'auth' },
);
