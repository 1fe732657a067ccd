import { openObjectStore, type Cache, type ObjectStore } from '@nxg/platform';
import type { Logger } from 'pino';
import type { IdentityConfig } from '../config.ts';
import { createScanningService, type ScanningService } from './scanning-client.ts';

/** What the scans feature works with beyond identity's own parts: object storage and the scanning service. */
export interface ScanServices {
  objects: ObjectStore;
  /** Absent when SCANNING_URL is unset (see ScanConfig). */
  scanning?: ScanningService;
}

export async function openScanServices(
  config: IdentityConfig,
  { cache, logger, onStop }: { cache: Cache; logger: Logger; onStop: (stop: () => unknown) => void },
): Promise<ScanServices> {
  const objects = await openObjectStore(config, logger);
  onStop(() => objects.close());
  if (!config.SCANNING_URL) return { objects };
  const scanning = createScanningService({
    baseUrl: config.SCANNING_URL,
    tokenUrl: config.SCANNING_TOKEN_URL!,
    clientId: config.SCANNING_CLIENT_ID!,
    clientSecret: config.SCANNING_CLIENT_SECRET!,
    quotaPerHour: config.SCANNING_QUOTA_PER_HOUR,
    timeoutMs: config.SCANNING_TIMEOUT_MS,
    cache,
    logger,
  });
  onStop(() => scanning.client.close());
  return { objects, scanning };
}
