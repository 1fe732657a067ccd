import { randomBytes } from 'node:crypto';
import { dataKeyId, loadServiceConfig, openDatabase, type Database } from '@nxg/platform';
import pino from 'pino';
import { identityKeyring, signingKeyOptions } from '../crypto/identity-keys.ts';
import { sealProgress, type SealProgress } from '../crypto/reseal.ts';
import identityService from '../service.ts';
import { SigningKeys } from '../tokens/signing-keys.ts';

/*
 * The operator's key commands (`pnpm keys:…`), run beside identity with its configuration (the same
 * environment: DATABASE_URL or DATA_DIR, IDENTITY_DATA_KEY…). They work on identity's database
 * directly; the running replicas pick the result up by themselves.
 */

const loadIdentityConfig = (env: Record<string, string | undefined>) =>
  loadServiceConfig(identityService, env);

async function withIdentity<T>(
  env: Record<string, string | undefined>,
  work: (parts: { db: Database; config: ReturnType<typeof loadIdentityConfig> }) => Promise<T>,
): Promise<T> {
  const config = loadIdentityConfig(env);
  const db = await openDatabase({
    service: 'identity',
    url: config.DATABASE_URL,
    name: config.DATABASE_NAME,
    dataDir: config.DATA_DIR,
    poolSize: 2,
  });
  try {
    return await work({ db, config });
  } finally {
    await db.close();
  }
}

const quiet = pino({ level: 'warn' });

/**
 * Stages a new signing key: in the JWKS at once, signing after SIGNING_KEY_PREPUBLISH_S (or
 * `prepublishS`), the old key retiring then and leaving the JWKS once its tokens have expired.
 */
export function rotateSigningKey(
  env: Record<string, string | undefined>,
  options: { prepublishS?: number } = {},
): Promise<{ kid: string; activatesAt: string }> {
  return withIdentity(env, async ({ db, config }) => {
    const keys = new SigningKeys(db, await identityKeyring(config, quiet), signingKeyOptions(config));
    return keys.stage(options.prepublishS);
  });
}

/** How many sealed values are under the current data key (IDENTITY_DATA_KEY), and how many in all. */
export function dataKeyStatus(env: Record<string, string | undefined>): Promise<SealProgress> {
  return withIdentity(env, async ({ db, config }) => {
    // Progress is measured against the current key alone.
    const keyring = await identityKeyring({ ...config, IDENTITY_DATA_KEYS_DECRYPT_ONLY: '' }, quiet);
    return sealProgress(db, keyring.currentId);
  });
}

/** A new data key and the steps that make it current without downtime. */
export function dataKeyRotationPlan(env: Record<string, string | undefined>): string {
  const next = randomBytes(32).toString('base64');
  // Keys already configured are named, never printed.
  const current = env.IDENTITY_DATA_KEY
    ? `<the current IDENTITY_DATA_KEY, ${dataKeyId(Buffer.from(env.IDENTITY_DATA_KEY, 'base64'))}>`
    : '<the current IDENTITY_DATA_KEY>';
  const others = env.IDENTITY_DATA_KEYS_DECRYPT_ONLY
    ? ['<the keys already in IDENTITY_DATA_KEYS_DECRYPT_ONLY>']
    : [];
  const lines = [
    `New data key ${dataKeyId(Buffer.from(next, 'base64'))} (keep it in your secret store like the current one):`,
    '',
    `  ${next}`,
    '',
    '1. Let every replica open values sealed with it, then roll identity (one replica at a time):',
    `     IDENTITY_DATA_KEYS_DECRYPT_ONLY=${[next, ...others].join(',')}`,
    '2. Make it current, keeping the old key decrypt-only, then roll identity again:',
    `     IDENTITY_DATA_KEY=${next}`,
    `     IDENTITY_DATA_KEYS_DECRYPT_ONLY=${[current, ...others].join(',')}`,
    '   Identity re-seals every value under the new key in the background (DATA_KEY_RESEAL_BATCH rows',
    '   per table every DATA_KEY_RESEAL_INTERVAL_MS).',
    '3. Watch `pnpm keys:data-key-status` (with step 2’s IDENTITY_DATA_KEY) until done equals total, then',
    '   remove the old key: IDENTITY_DATA_KEYS_DECRYPT_ONLY= and roll identity once more.',
  ];
  return lines.join('\n');
}
