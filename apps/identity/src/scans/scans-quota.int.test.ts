import {
  apiClient,
  registerMember,
  startPlatform,
  startScanningStandIn,
  waitFor,
  type ScanningStandIn,
  type TestPlatform,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbodyCsv, uploadScan } from './scans.test-support.ts';

// Two identity replicas share the scanning service's hourly quota (counted in Redis): together
// they never send more than it allows, and what is over waits queued.

const enabled = Boolean(process.env.DATABASE_URL);
let platform: TestPlatform;
let scanner: ScanningStandIn;

beforeAll(async () => {
  if (!enabled) return;
  scanner = await startScanningStandIn({ processingMs: 60_000, webhook: 'never' });
  platform = await startPlatform({
    replicas: { identity: 2 },
    env: {
      identity: {
        SCANNING_URL: scanner.baseUrl,
        SCANNING_TOKEN_URL: scanner.tokenUrl,
        SCANNING_CLIENT_ID: scanner.clientId,
        SCANNING_CLIENT_SECRET: scanner.clientSecret,
        SCANNING_WEBHOOK_SECRET: scanner.webhookSecret,
        SCANNING_QUOTA_PER_HOUR: '3',
        SCAN_WORKER_INTERVAL_MS: '100',
        SCAN_POLL_AFTER_MS: '600000',
        SCAN_RETRY_MAX_MS: '300',
      },
    },
  });
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await scanner?.close();
}, 60_000);

describe.skipIf(!enabled)('the scanning quota', () => {
  it('holds across replicas: scans beyond it wait queued and nothing more is sent', async () => {
    const api = apiClient(platform.gatewayUrl);
    const member = await registerMember(api);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const upload = await uploadScan(platform.gatewayUrl, member.accessToken, {
        content: inbodyCsv(),
        type: 'text/csv',
        name: `scan-${i}.csv`,
      });
      expect(upload.status).toBe(202);
      ids.push(upload.body.scanId as string);
      await new Promise((r) => setTimeout(r, 250));
    }
    await waitFor(async () => scanner.count('/v1/scans/process') >= 3);
    // Both replicas keep trying (every 300 ms at most) for a while: still three.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(scanner.count('/v1/scans/process')).toBe(3);
    const statuses = await Promise.all(
      ids.map(async (id) => (await api.get(`/v1/scans/${id}`, member.accessToken)).body.status as string),
    );
    expect(statuses.filter((s) => s === 'processing')).toHaveLength(3);
    expect(statuses.filter((s) => s === 'queued')).toHaveLength(2);
    const waiting = await platform.services.identity![0]!.app!.kit.db.query<{ last_error: string }>(
      `SELECT last_error FROM scans WHERE status = 'queued'`,
    );
    expect(waiting.map((w) => w.last_error)).toEqual([
      'EXTERNAL_QUOTA_EXHAUSTED',
      'EXTERNAL_QUOTA_EXHAUSTED',
    ]);
  });
});
