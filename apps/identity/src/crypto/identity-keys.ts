import { loadDataKeyring, type DataKeyring } from '@nxg/platform';
import type { Logger } from 'pino';
import type { IdentityConfig } from '../config.ts';
import type { SigningKeyOptions } from '../tokens/signing-keys.ts';

/** Identity's data keys from its configuration (current and decrypt-only), for the service and the key commands. */
export function identityKeyring(
  config: Pick<IdentityConfig, 'IDENTITY_DATA_KEY' | 'IDENTITY_DATA_KEYS_DECRYPT_ONLY' | 'DATA_DIR'>,
  logger: Logger,
): Promise<DataKeyring> {
  return loadDataKeyring({
    service: 'identity',
    variable: 'IDENTITY_DATA_KEY',
    current: config.IDENTITY_DATA_KEY,
    decryptOnly: config.IDENTITY_DATA_KEYS_DECRYPT_ONLY,
    dataDir: config.DATA_DIR,
    logger,
  });
}

export function signingKeyOptions(config: IdentityConfig): SigningKeyOptions {
  return {
    alg: config.JWT_ALGORITHM,
    rotationDays: config.SIGNING_KEY_ROTATION_DAYS,
    prepublishS: config.SIGNING_KEY_PREPUBLISH_S,
    // A minute beyond the longest-lived token, for clocks that disagree.
    retainS: Math.max(config.ACCESS_TOKEN_TTL_S, config.MACHINE_TOKEN_TTL_S) + 60,
  };
}
