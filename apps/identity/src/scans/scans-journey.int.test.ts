import { randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  adminEnv,
  apiClient,
  openGym,
  readEvents,
  registerMember,
  startPlatform,
  startScanningStandIn,
  waitFor,
  type ApiClient,
  type ScanningStandIn,
  type TestPlatform,
} from '@nxg/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { abortedUpload, inbodyCsv, retryUpload, uploadScan } from './scans.test-support.ts';

// End to end through the gateway: identity, the gateway and notification in process, the scanning
// service as a local stand-in (OAuth token endpoint, slow jobs, signed webhooks), object storage
// in the platform's local directory.

let platform: TestPlatform;
let api: ApiClient;
let scanner: ScanningStandIn;
let dataDir: string;

const PROCESSING_TIMEOUT_MS = 2_500;

beforeAll(async () => {
  scanner = await startScanningStandIn({ processingMs: 300 });
  dataDir = '';
  platform = await startPlatform({
    replicas: { notification: 1 },
    env: {
      identity: {
        ...adminEnv,
        SCANNING_URL: scanner.baseUrl,
        SCANNING_TOKEN_URL: scanner.tokenUrl,
        SCANNING_CLIENT_ID: scanner.clientId,
        SCANNING_CLIENT_SECRET: scanner.clientSecret,
        SCANNING_WEBHOOK_SECRET: scanner.webhookSecret,
        SCAN_WORKER_INTERVAL_MS: '100',
        SCAN_POLL_AFTER_MS: '400',
        SCAN_POLL_MAX_MS: '800',
        SCAN_RETRY_MAX_MS: '600',
        SCAN_PROCESSING_TIMEOUT_MS: String(PROCESSING_TIMEOUT_MS),
      },
    },
  });
  api = apiClient(platform.gatewayUrl);
  dataDir = platform.services.identity![0]!.env.DATA_DIR!;
  scanner.setWebhookUrl(`${platform.gatewayUrl}/v1/scans/webhooks/scanner`);
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await scanner?.close();
}, 60_000);
beforeEach(() => {
  scanner.setWebhookMode('once');
  scanner.setProcessingMs(300);
  scanner.failJobs(null);
  scanner.behave({ mode: 'healthy' });
});

const csv = (overrides: Record<string, string> = {}, extra: Record<string, string> = {}) => ({
  content: inbodyCsv(overrides, extra),
  type: 'text/csv',
  name: 'inbody-export.csv',
});

async function scanOf(token: string, scanId: string, status: string, timeoutMs = 15_000) {
  return waitFor(async () => {
    const scan = await api.get(`/v1/scans/${scanId}`, token);
    return scan.body.status === status && scan.body;
  }, timeoutMs);
}

/** Every object file under the local store (keys relative to it). */
async function storedObjects(): Promise<string[]> {
  const root = join(dataDir, 'objects', 'data');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1));
}

describe('3D body scans', () => {
  it('turns an InBody export into a sealed body-composition entry, an avatar and a notification', async () => {
    const member = await registerMember(api);
    const since = new Date();
    const upload = await uploadScan(platform.gatewayUrl, member.accessToken, csv());
    expect(upload.status).toBe(202);
    expect(upload.body).toEqual({ scanId: expect.any(String), status: 'queued' });
    const { scanId } = upload.body;

    const done = await scanOf(member.accessToken, scanId, 'done');
    // The webhook moved it on (polling starts only later), signed and accepted once.
    expect(scanner.deliveries().filter((d) => d.jobId === scanner.jobs().at(-1)!.jobId)).toMatchObject([
      { status: 200 },
    ]);
    expect(done.measurements).toMatchObject({
      source: 'scan',
      weightKg: 78.4,
      bodyFatPercentage: 18.6,
      skeletalMuscleMassKg: 35.2,
      basalMetabolicRateKcal: 1712,
      visceralFatLevel: 6,
      bodyWaterPercentage: 57,
      measuredAt: '2026-11-29T07:15:00.000Z',
    });
    // What went out: the export's figures in our units, the scan's reference, a bearer token.
    const sent = scanner.requests('/v1/scans/process').at(-1)!;
    expect(sent.body).toMatchObject({
      reference: `${scanId}.1`,
      kind: 'inbody',
      measurements: { weightKg: 78.4 },
    });
    expect(sent.headers.authorization).toMatch(/^Bearer /);
    // One OAuth token for the scan's calls (process, avatar), cached between them.
    expect(scanner.requests('/v1/avatars/generate').length).toBeGreaterThanOrEqual(1);
    expect(scanner.tokenRequests()).toBe(1);

    const history = await api.get('/v1/me/body-composition/history', member.accessToken);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({ id: done.measurements.id, source: 'scan', weightKg: 78.4 });
    // Sealed like the rest: neither the entry nor the scan row holds a figure in clear.
    const db = platform.services.identity![0]!.app!.kit.db;
    const [entry] = await db.query('SELECT * FROM body_measurements WHERE id = $1', [done.measurements.id]);
    const [row] = await db.query('SELECT * FROM scans WHERE id = $1', [scanId]);
    expect(entry).toMatchObject({ source: 'scan', sealed: expect.any(String) });
    for (const stored of [entry, row]) expect(JSON.stringify(stored)).not.toMatch(/78\.4|weightKg/);

    // The avatar: a short-lived link through the gateway, the file the service made.
    const link = new URL(done.avatarUrl as string);
    expect(Date.parse(done.avatarUrlExpiresAt)).toBeGreaterThan(Date.now());
    // Short-lived: five minutes (STORAGE_URL_TTL_S), the link's own expiry the same.
    expect(Date.parse(done.avatarUrlExpiresAt)).toBeLessThanOrEqual(Date.now() + 300_000);
    expect(Number(link.searchParams.get('expires')) * 1000).toBeLessThanOrEqual(Date.now() + 300_000);
    const avatar = await fetch(`${platform.gatewayUrl}${link.pathname}${link.search}`);
    expect(avatar.status).toBe(200);
    expect(avatar.headers.get('content-type')).toBe('model/gltf-binary');
    expect(
      Buffer.from(await avatar.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('glTF');
    // A link whose signature does not match is refused.
    const forged = await fetch(
      `${platform.gatewayUrl}${link.pathname}${link.search.replace(/signature=./, 'signature=A')}`,
    );
    expect(forged.status).toBe(403);

    const events = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.scan.completed',
      since,
      where: (e) => (e.data as { scanId: string }).scanId === scanId,
      expect: 1,
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toEqual({
      userId: member.user.id,
      scanId,
      measurementId: done.measurements.id,
      hasAvatar: true,
      completedAt: expect.any(String),
    });
    // Health figures never ride on events.
    expect(JSON.stringify(events[0])).not.toContain('78.4');
    const measured = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.body.measured',
      since,
      where: (e) => (e.data as { measurementId: string }).measurementId === done.measurements.id,
      expect: 1,
    });
    expect(measured).toHaveLength(1);

    const inbox = await waitFor(async () => {
      const items = (await api.get('/v1/notifications', member.accessToken)).body.items as { kind: string }[];
      return items?.some((n) => n.kind === 'scan.ready') && items;
    });
    expect(inbox.filter((n) => n.kind === 'scan.ready')).toHaveLength(1);

    const list = await api.get('/v1/scans', member.accessToken);
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([scanId]);
  });

  it('changes nothing when the same webhook arrives twice', async () => {
    scanner.setWebhookMode('twice');
    const member = await registerMember(api);
    const upload = await uploadScan(platform.gatewayUrl, member.accessToken, csv({ 'Weight(kg)': '81.0' }));
    const done = await scanOf(member.accessToken, upload.body.scanId, 'done');
    const jobId = scanner.jobs().find((j) => j.reference === `${upload.body.scanId}.1`)!.jobId;
    const deliveries = await waitFor(async () => {
      const sent = scanner.deliveries().filter((d) => d.jobId === jobId);
      return sent.length === 2 && sent;
    });
    expect(deliveries.map((d) => d.status)).toEqual([200, 409]);
    expect(deliveries[0]!.webhookId).toBe(deliveries[1]!.webhookId);
    const history = await api.get('/v1/me/body-composition/history', member.accessToken);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0].id).toBe(done.measurements.id);
  });

  it('refuses forged, stale, tampered and replayed webhooks', async () => {
    const member = await registerMember(api);
    scanner.setProcessingMs(1_200);
    scanner.setWebhookMode('never');
    const upload = await uploadScan(platform.gatewayUrl, member.accessToken, csv());
    const scanId = upload.body.scanId as string;
    await scanOf(member.accessToken, scanId, 'processing');
    const job = scanner.jobs().find((j) => j.reference === `${scanId}.1`)!;
    const event = {
      type: 'scan.completed',
      data: { jobId: job.jobId, reference: job.reference, measurements: job.measurements },
    };
    const post = (signed: { headers: Record<string, string>; payload: string }, provider = 'scanner') =>
      api.send('POST', `/v1/scans/webhooks/${provider}`, { raw: signed.payload, headers: signed.headers });

    const forged = await post(
      scanner.signWebhook(event, { secret: `whsec_${randomBytes(24).toString('base64')}` }),
    );
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('WEBHOOK_SIGNATURE_INVALID');

    const stale = await post(scanner.signWebhook(event, { at: new Date(Date.now() - 10 * 60_000) }));
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('WEBHOOK_TIMESTAMP_STALE');

    const genuine = scanner.signWebhook(event);
    const tampered = await post({ ...genuine, payload: genuine.payload.replace('78.4', '98.4') });
    expect(tampered.body.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const unknown = await post(genuine, 'someone-else');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('WEBHOOK_PROVIDER_UNKNOWN');
    const unsigned = await api.post('/v1/scans/webhooks/scanner', event);
    expect(unsigned.status).toBe(401);

    // None of those moved the scan on.
    expect((await api.get(`/v1/scans/${scanId}`, member.accessToken)).body.status).toBe('processing');

    // Once the job is done at the service, the genuine webhook is taken; sent again, it is refused.
    await new Promise((r) => setTimeout(r, Math.max(0, job.startedAt + 1_200 - Date.now())));
    expect((await post(genuine)).status).toBe(200);
    const replayed = await post(genuine);
    expect(replayed.status).toBe(409);
    expect(replayed.body.code).toBe('WEBHOOK_REPLAYED');
    await scanOf(member.accessToken, scanId, 'done');
    const history = await api.get('/v1/me/body-composition/history', member.accessToken);
    expect(history.body.items).toHaveLength(1);
  });

  it('completes by polling the status when the webhook is late, and the late webhook changes nothing', async () => {
    scanner.setWebhookMode('late', 2_500);
    const member = await registerMember(api);
    const upload = await uploadScan(platform.gatewayUrl, member.accessToken, csv());
    const done = await scanOf(member.accessToken, upload.body.scanId, 'done');
    expect(done.measurements.weightKg).toBe(78.4);
    const job = scanner.jobs().find((j) => j.reference === `${upload.body.scanId}.1`)!;
    const polls = scanner.requests('/v1/processing/status').filter((r) => r.query.jobId === job.jobId);
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(scanner.deliveries().filter((d) => d.jobId === job.jobId)).toHaveLength(0);
    // The webhook comes after all: taken (200) so the service stops sending it, and nothing changes.
    const late = await waitFor(async () =>
      scanner.deliveries().find((d) => d.jobId === job.jobId && d.status !== 0),
    );
    expect(late.status).toBe(200);
    const history = await api.get('/v1/me/body-composition/history', member.accessToken);
    expect(history.body.items.map((m: { id: string }) => m.id)).toEqual([done.measurements.id]);
  });

  /** A member's scan uploaded while the scanning service answers 503, once its first try was refused. */
  const scanRefusedOnce = async () => {
    const member = await registerMember(api);
    scanner.behave({ mode: 'fail', status: 503 });
    const upload = await uploadScan(platform.gatewayUrl, member.accessToken, csv());
    const scanId = upload.body.scanId as string;
    await waitFor(async () =>
      scanner
        .requests('/v1/scans/process')
        .some((r) => (r.body as { reference?: string })?.reference === `${scanId}.1` && r.status === 503),
    );
    return { member, scanId };
  };

  it('waits while the scanning service is down and completes once it is back', async () => {
    // Tried, refused, still queued.
    const { member, scanId } = await scanRefusedOnce();
    await new Promise((r) => setTimeout(r, 800));
    expect((await api.get(`/v1/scans/${scanId}`, member.accessToken)).body.status).toBe('queued');
    scanner.behave({ mode: 'healthy' });
    const done = await scanOf(member.accessToken, scanId, 'done', 20_000);
    expect(done.measurements.source).toBe('scan');
  });

  it("waits out the scanning service's 429 and its Retry-After", async () => {
    const member = await registerMember(api);
    scanner.behave({ mode: 'rate-limit', retryAfterS: 1, times: 1 });
    const upload = await uploadScan(platform.gatewayUrl, member.accessToken, csv());
    const scanId = upload.body.scanId as string;
    const done = await scanOf(member.accessToken, scanId, 'done');
    const tries = scanner
      .requests('/v1/scans/process')
      .filter((r) => (r.body as { reference?: string }).reference === `${scanId}.1`);
    expect(tries.map((r) => r.status)).toEqual([429, 202]);
    // Not before the service said it could take more.
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(done.measurements.source).toBe('scan');
  });

  it('fails a scan that takes too long, with a reason, and completes it when retried', async () => {
    const member = await registerMember(api);
    scanner.setProcessingMs(60_000);
    scanner.setWebhookMode('never');
    const upload = await uploadScan(platform.gatewayUrl, member.accessToken, csv());
    const scanId = upload.body.scanId as string;
    const failed = await scanOf(member.accessToken, scanId, 'failed', PROCESSING_TIMEOUT_MS + 10_000);
    expect(failed.failureReason).toMatch(/longer than/);
    // Only a failed scan can be retried.
    scanner.setProcessingMs(200);
    scanner.setWebhookMode('once');
    const retried = await api.post(`/v1/scans/${scanId}/retry`, undefined, member.accessToken);
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ scanId, status: 'queued' });
    const again = await api.post(`/v1/scans/${scanId}/retry`, undefined, member.accessToken);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SCAN_NOT_RETRYABLE');
    const done = await scanOf(member.accessToken, scanId, 'done');
    expect(done.failureReason).toBeNull();
    // The retry was a new job at the service (a new reference), not the timed-out one.
    expect(scanner.jobs().map((j) => j.reference)).toContain(`${scanId}.2`);
  });

  it('fails a scan the service could not take for a day, with a reason, and completes it when retried', async () => {
    const { member, scanId } = await scanRefusedOnce();
    // Queued since yesterday (SCAN_QUEUE_TIMEOUT_MS is a day): the worker gives up on it.
    await platform.services.identity![0]!.app!.kit.db.query(
      `UPDATE scans SET queued_at = now() - interval '25 hours', next_action_at = now() WHERE id = $1`,
      [scanId],
    );
    const failed = await scanOf(member.accessToken, scanId, 'failed');
    expect(failed.failureReason).toMatch(/could not be reached/);
    scanner.behave({ mode: 'healthy' });
    const retried = await api.post(`/v1/scans/${scanId}/retry`, undefined, member.accessToken);
    expect(retried.status).toBe(202);
    const done = await scanOf(member.accessToken, scanId, 'done');
    expect(done.measurements.weightKg).toBe(78.4);
  });

  it('refuses malformed InBody files and absurd values with a clear problem, keeping nothing', async () => {
    const member = await registerMember(api);
    const before = await storedObjects();
    const sentBefore = scanner.count('/v1/scans/process');
    const cases: [{ content: string; type: string; name?: string } | undefined, number, string, RegExp?][] = [
      [csv({}, { 'Favourite Colour': 'blue' }), 422, 'INBODY_FILE_MALFORMED', /Favourite Colour/],
      [csv({ 'Weight(kg)': 'heavy' }), 422, 'INBODY_FILE_MALFORMED', /Weight/],
      [csv({ 'Weight(kg)': '900' }), 422, 'INBODY_VALUE_IMPLAUSIBLE', /weightKg/],
      [csv({ 'PBF(%)': '95' }), 422, 'INBODY_VALUE_IMPLAUSIBLE', /bodyFatPercentage/],
      [{ content: 'Weight(kg),PBF(%)\n"78.4,18', type: 'text/csv' }, 422, 'INBODY_FILE_MALFORMED'],
      [
        { content: '{"measurements": {"weight": {"value": 70, "unit": "stone"}}}', type: 'application/json' },
        422,
        'INBODY_FILE_MALFORMED',
        /stone/,
      ],
      [{ content: '{"measurements": ', type: 'application/json' }, 422, 'INBODY_FILE_MALFORMED'],
      [{ content: 'GIF89a', type: 'image/gif', name: 'cat.gif' }, 415, 'SCAN_FILE_TYPE_UNSUPPORTED'],
      [undefined, 400, 'SCAN_FILE_MISSING'],
    ];
    for (const [file, status, code, detail] of cases) {
      const refused = await uploadScan(platform.gatewayUrl, member.accessToken, file);
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status, code });
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      if (detail) expect(JSON.stringify(refused.body.errors ?? refused.body.detail)).toMatch(detail);
    }
    // Not a form at all, or a form with two files.
    const notForm = await api.post('/v1/scans', { file: 'inbody.csv' }, member.accessToken);
    expect({ status: notForm.status, code: notForm.body.code }).toEqual({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    const twoFiles = new FormData();
    twoFiles.append('file', new Blob([inbodyCsv()], { type: 'text/csv' }), 'a.csv');
    twoFiles.append('file', new Blob([inbodyCsv()], { type: 'text/csv' }), 'b.csv');
    const doubled = await fetch(`${platform.gatewayUrl}/v1/scans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member.accessToken}` },
      body: twoFiles,
    });
    expect(doubled.status).toBe(400);
    expect(((await doubled.json()) as { code: string }).code).toBe('SCAN_FORM_INVALID');
    // None of the refused files reached the scanning service.
    await new Promise((r) => setTimeout(r, 300));
    expect(scanner.count('/v1/scans/process')).toBe(sentBefore);
    // A JSON export with known fields and units is taken.
    const json = await uploadScan(platform.gatewayUrl, member.accessToken, {
      content: JSON.stringify({
        device: 'InBody 570',
        testDateTime: '2026-11-28T18:00:00Z',
        measurements: { weight: { value: 172.8, unit: 'lb' }, percentBodyFat: { value: 21, unit: '%' } },
      }),
      type: 'application/json',
      name: 'inbody.json',
    });
    expect(json.status).toBe(202);
    expect((await api.get('/v1/scans', member.accessToken)).body.items).toHaveLength(1);
    // Nothing of the refused uploads is left in storage, and nothing was sent out for them.
    const after = await storedObjects();
    expect(after.filter((k) => !before.includes(k))).toEqual([`scans/uploads/${json.body.scanId}`]);
    const done = await scanOf(member.accessToken, json.body.scanId, 'done');
    expect(done.measurements.weightKg).toBe(78.4);
  });

  it('lets staff upload for members of their branch only', async () => {
    const gym = await openGym(platform, 'Scan Gym');
    const other = await openGym(platform, 'Other Gym');
    const member = await registerMember(api);
    const trainer = async (branchId: string) => {
      const staff = await registerMember(api);
      const granted = await api.put(
        `/v1/branches/${branchId}/staff/${staff.user.id}`,
        { role: 'trainer' },
        gym.adminToken,
      );
      expect(granted.status).toBe(200);
      const login = await api.post('/v1/auth/login', { login: staff.email, password: staff.password });
      return { ...staff, accessToken: login.body.accessToken as string };
    };
    const ours = await trainer(gym.branchId);
    const theirs = await trainer(other.branchId);
    // The member trains at the gym: workout's session event says so.
    await platform.publishEvent('workout.session.started', {
      id: randomUUID(),
      type: 'workout.session.started',
      source: 'workout',
      time: new Date().toISOString(),
      subject: member.user.id,
      dataVersion: 1,
      data: {
        userId: member.user.id,
        sessionId: randomUUID(),
        branchId: gym.branchId,
        startedBy: 'check-in',
        at: new Date().toISOString(),
      },
    });
    const accepted = await waitFor(async () => {
      const upload = await uploadScan(platform.gatewayUrl, ours.accessToken, csv(), {
        userId: member.user.id,
      });
      return upload.status === 202 && upload;
    });
    const refused = await uploadScan(platform.gatewayUrl, theirs.accessToken, csv(), {
      userId: member.user.id,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('SCAN_MEMBER_NOT_IN_BRANCH');
    // A plain member cannot upload for another member either.
    const stranger = await registerMember(api);
    const byStranger = await uploadScan(platform.gatewayUrl, stranger.accessToken, csv(), {
      userId: member.user.id,
    });
    expect(byStranger.body.code).toBe('SCAN_MEMBER_NOT_IN_BRANCH');

    const done = await scanOf(member.accessToken, accepted.body.scanId, 'done');
    expect(done).toMatchObject({ userId: member.user.id, uploadedBy: ours.user.id, branchId: gym.branchId });
    expect(done.measurements.weightKg).toBe(78.4);
    // The trainer sees the status, not the member's figures or avatar.
    const seenByStaff = await api.get(`/v1/scans/${accepted.body.scanId}`, ours.accessToken);
    expect(seenByStaff.body.status).toBe('done');
    expect(seenByStaff.body.measurements).toBeUndefined();
    expect(seenByStaff.body.avatarUrl).toBeUndefined();
    // Another member's scan is not there for anyone else.
    expect((await api.get(`/v1/scans/${accepted.body.scanId}`, stranger.accessToken)).status).toBe(404);
    const retried = await api.post(
      `/v1/scans/${accepted.body.scanId}/retry`,
      undefined,
      stranger.accessToken,
    );
    expect(retried.body.code).toBe('SCAN_NOT_FOUND');
    expect((await api.get('/v1/scans', stranger.accessToken)).body.items).toEqual([]);
  });

  it('takes an upload dropped half way and retried with the same Idempotency-Key as one scan', async () => {
    const member = await registerMember(api);
    const key = randomUUID();
    const file = randomBytes(256 * 1024);
    await abortedUpload(platform.gatewayUrl, member.accessToken, key, file);
    expect((await api.get('/v1/scans', member.accessToken)).body.items).toHaveLength(0);
    const retry = await retryUpload(
      platform.gatewayUrl,
      member.accessToken,
      { content: file, type: 'model/ply', name: 'scan.ply' },
      key,
    );
    expect(retry.status).toBe(202);
    const again = await uploadScan(
      platform.gatewayUrl,
      member.accessToken,
      { content: file, type: 'model/ply', name: 'scan.ply' },
      { idempotencyKey: key },
    );
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.scanId).toBe(retry.body.scanId);
    expect((await api.get('/v1/scans', member.accessToken)).body.items).toHaveLength(1);
    // A scan file goes out as a link to the stored file, and the service's figures come back.
    const done = await scanOf(member.accessToken, retry.body.scanId, 'done');
    expect(done.kind).toBe('scan-file');
    expect(done.measurements.weightKg).toBe(74.2);
    const sent = scanner
      .requests('/v1/scans/process')
      .find((r) => (r.body as { reference: string }).reference === `${retry.body.scanId}.1`)!;
    expect((sent.body as { fileUrl: string }).fileUrl).toContain(
      `/v1/objects/scans/uploads/${retry.body.scanId}`,
    );
  });

  it('removes scans, avatars and their objects with the account', async () => {
    const member = await registerMember(api);
    const upload = await uploadScan(platform.gatewayUrl, member.accessToken, csv());
    const done = await scanOf(member.accessToken, upload.body.scanId, 'done');
    const scanId = upload.body.scanId as string;
    const mine = [`scans/uploads/${scanId}`, `scans/avatars/${scanId}.glb`];
    expect(await storedObjects()).toEqual(expect.arrayContaining(mine));
    const link = new URL(done.avatarUrl as string);
    // The member's export lists the scan beside the measurements it became.
    const exported = await api.get('/v1/me/export', member.accessToken);
    expect(exported.body.scans).toEqual([
      expect.objectContaining({ id: scanId, status: 'done', measurementId: done.measurements.id }),
    ]);
    expect(exported.body.bodyComposition.map((m: { id: string }) => m.id)).toEqual([done.measurements.id]);

    expect((await api.delete('/v1/me', member.accessToken)).status).toBe(204);
    await waitFor(async () => (await storedObjects()).every((k) => !mine.includes(k)));
    const avatar = await fetch(`${platform.gatewayUrl}${link.pathname}${link.search}`);
    expect(avatar.status).toBe(404);
    const rows = await platform.services.identity![0]!.app!.kit.db.query(
      'SELECT id FROM scans WHERE id = $1',
      [scanId],
    );
    expect(rows).toHaveLength(0);
  });
});
