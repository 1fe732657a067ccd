import { connect } from '@nats-io/transport-node';
import { messaging } from '@nxg/contracts';
import {
  inNamespace,
  limitsFromEnv,
  namespace,
  natsConnectionSecurity,
  provisionMessaging,
  retentionCaveat,
} from '@nxg/platform';

/**
 * Provisions every stream, consumer and bucket, retrying with a growing pause while JetStream is
 * slow to answer (a server just started, a cluster electing its leader) instead of dying on the
 * first timeout. Gives up, with the last error, after `deadlineMs`.
 */
export async function provisionWithRetry(
  url: string,
  env: Record<string, string | undefined>,
  options: { replicas?: number; deadlineMs?: number; say?: (line: string) => void } = {},
): Promise<void> {
  const deadline = Date.now() + (options.deadlineMs ?? 120_000);
  const limits = limitsFromEnv(env);
  for (let attempt = 1; ; attempt++) {
    const nc = await connect({
      servers: url.split(','),
      name: 'provision',
      timeout: 5000,
      // The `provision` user of deploy/nats/authorization.conf, where the server asks for one.
      ...natsConnectionSecurity({
        nkeySeed: env.NATS_NKEY_SEED,
        tlsCa: env.NATS_TLS_CA,
        tlsCert: env.NATS_TLS_CERT,
        tlsKey: env.NATS_TLS_KEY,
      }),
    });
    try {
      const scoped = inNamespace(nc, namespace(env.NATS_PREFIX));
      await provisionMessaging(scoped, messaging, { replicas: options.replicas, limits });
      const caveat = retentionCaveat(nc.info?.version);
      if (caveat) options.say?.(caveat);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      const pauseMs = Math.min(10_000, 500 * 2 ** attempt);
      options.say?.(`JetStream not ready (${(error as Error).message}); provisioning again in ${pauseMs} ms`);
      await new Promise((r) => setTimeout(r, pauseMs));
    } finally {
      await nc.close();
    }
  }
}
