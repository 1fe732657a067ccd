import { randomBytes, randomUUID } from 'node:crypto';
import { createS3ObjectStore } from '@nxg/platform';
import {
  apiClient,
  registerMember,
  startPlatform,
  startS3StandIn,
  startScanningStandIn,
  waitFor,
  type ApiClient,
  type S3StandIn,
  type ScanningStandIn,
  type TestPlatform,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortedUpload, inbodyCsv, retryUpload, uploadScan } from './scans.test-support.ts';

// The same journey on S3 (s3rver through the real AWS SDK): a large scan file goes up as a
// multipart upload, the avatar comes back by a presigned S3 link, erasure deletes both objects.

let platform: TestPlatform;
let api: ApiClient;
let s3: S3StandIn;
let scanner: ScanningStandIn;

beforeAll(async () => {
  s3 = await startS3StandIn({ bucket: 'nxg-scans' });
  scanner = await startScanningStandIn({ processingMs: 200 });
  // The services take S3 credentials from the AWS SDK's usual chain.
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
  platform = await startPlatform({
    env: {
      all: { S3_BUCKET: s3.bucket, S3_ENDPOINT: s3.endpoint, S3_REGION: s3.region, S3_MAX_ATTEMPTS: '1' },
      identity: {
        SCANNING_URL: scanner.baseUrl,
        SCANNING_TOKEN_URL: scanner.tokenUrl,
        SCANNING_CLIENT_ID: scanner.clientId,
        SCANNING_CLIENT_SECRET: scanner.clientSecret,
        SCANNING_WEBHOOK_SECRET: scanner.webhookSecret,
        SCAN_WORKER_INTERVAL_MS: '100',
      },
    },
  });
  api = apiClient(platform.gatewayUrl);
  scanner.setWebhookUrl(`${platform.gatewayUrl}/v1/scans/webhooks/scanner`);
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await scanner?.close();
  await s3?.close();
}, 60_000);

describe('3D scans on S3', () => {
  it('uploads a large scan file in parts, serves the avatar by a presigned link and erases both', async () => {
    const member = await registerMember(api);
    const file = randomBytes(12 * 1024 * 1024);
    const key = randomUUID();

    // Storage failing: nothing kept, a 503 the app retries with the same key.
    s3.behave({ mode: 'fail', status: 503 });
    const refused = await uploadScan(
      platform.gatewayUrl,
      member.accessToken,
      { content: file, type: 'model/ply', name: 'body.ply' },
      { idempotencyKey: key },
    );
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('OBJECT_STORAGE_UNAVAILABLE');
    s3.behave({ mode: 'healthy' });

    const before = s3.requests().length;
    const upload = await uploadScan(
      platform.gatewayUrl,
      member.accessToken,
      { content: file, type: 'model/ply', name: 'body.ply' },
      { idempotencyKey: key },
    );
    expect(upload.status).toBe(202);
    const scanId = upload.body.scanId as string;
    const sent = s3.requests().slice(before);
    // A multipart upload: created, three 5 MiB parts or fewer, completed.
    expect(sent.some((r) => r.method === 'POST' && r.url.includes(`scans/uploads/${scanId}?uploads`))).toBe(
      true,
    );
    expect(
      sent.filter((r) => r.method === 'PUT' && r.url.includes('partNumber=')).length,
    ).toBeGreaterThanOrEqual(2);

    const done = await waitFor(async () => {
      const scan = await api.get(`/v1/scans/${scanId}`, member.accessToken);
      return scan.body.status === 'done' && scan.body;
    }, 20_000);
    expect(done.measurements).toMatchObject({ source: 'scan', weightKg: 74.2 });
    expect(done.avatarUrl.startsWith(`${s3.endpoint}/${s3.bucket}/scans/avatars/${scanId}.glb?`)).toBe(true);
    expect(new URL(done.avatarUrl as string).searchParams.get('X-Amz-Expires')).toBe('300');
    const avatar = await fetch(done.avatarUrl);
    expect(avatar.status).toBe(200);
    expect(
      Buffer.from(await avatar.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('glTF');

    expect((await api.delete('/v1/me', member.accessToken)).status).toBe(204);
    await waitFor(async () => {
      const deletes = s3.requests().filter((r) => r.method === 'DELETE' && r.status === 204);
      return (
        deletes.some((r) => r.url.includes(`scans/uploads/${scanId}`)) &&
        deletes.some((r) => r.url.includes(`scans/avatars/${scanId}.glb`))
      );
    });
    expect((await fetch(done.avatarUrl)).status).toBe(404);
  });

  it('resumes a large upload dropped part way when retried with the same Idempotency-Key', async () => {
    const member = await registerMember(api);
    const file = randomBytes(13 * 1024 * 1024);
    const key = randomUUID();
    const partsSent = (since: number) =>
      s3
        .requests()
        .slice(since)
        .filter((r) => r.method === 'PUT' && r.url.includes('partNumber='));

    // The phone sends 11 MiB of 13 and loses its signal once two 5 MiB parts are in storage.
    const first = s3.requests().length;
    await abortedUpload(platform.gatewayUrl, member.accessToken, key, file, {
      sendBytes: 11 * 1024 * 1024,
      dropWhen: () => partsSent(first).filter((r) => r.status === 200).length >= 2,
    });
    const dropped = partsSent(first);
    expect(dropped.map((r) => r.status)).toEqual([200, 200]);
    expect((await api.get('/v1/scans', member.accessToken)).body.items).toHaveLength(0);

    const retry = s3.requests().length;
    const upload = await retryUpload(
      platform.gatewayUrl,
      member.accessToken,
      { content: file, type: 'model/ply', name: 'body.ply' },
      key,
    );
    expect(upload.status).toBe(202);
    const scanId = upload.body.scanId as string;
    // Resumed, not sent again: the same multipart upload, only its third part, then completed.
    const resumed = s3.requests().slice(retry);
    expect(resumed.some((r) => r.method === 'POST' && r.url.includes('?uploads'))).toBe(false);
    expect(partsSent(retry).map((r) => /partNumber=(\d+)/.exec(r.url)![1])).toEqual(['3']);
    const uploadId = /uploadId=([^&]+)/.exec(dropped[0]!.url)![1]!;
    expect(
      resumed.some((r) => r.method === 'POST' && r.url.includes(`uploadId=${uploadId}`) && r.status === 200),
    ).toBe(true);

    // What storage holds is the file, byte for byte, and the scan goes through.
    const reader = createS3ObjectStore({
      bucket: s3.bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      credentials: s3.credentials,
    });
    try {
      const { body } = await reader.get(`scans/uploads/${scanId}`);
      const stored: Buffer[] = [];
      for await (const chunk of body) stored.push(chunk as Buffer);
      expect(Buffer.concat(stored).equals(file)).toBe(true);
    } finally {
      reader.close();
    }
    const done = await waitFor(async () => {
      const scan = await api.get(`/v1/scans/${scanId}`, member.accessToken);
      return scan.body.status === 'done' && scan.body;
    }, 20_000);
    expect(done.kind).toBe('scan-file');
    expect((await api.get('/v1/scans', member.accessToken)).body.items).toHaveLength(1);
  });

  it("erases a member's scan objects once storage answers again", async () => {
    const member = await registerMember(api);
    const upload = await uploadScan(platform.gatewayUrl, member.accessToken, {
      content: inbodyCsv(),
      type: 'text/csv',
      name: 'inbody.csv',
    });
    expect(upload.status).toBe(202);
    const scanId = upload.body.scanId as string;
    await waitFor(async () => {
      const scan = await api.get(`/v1/scans/${scanId}`, member.accessToken);
      return scan.body.status === 'done';
    }, 20_000);
    const keys = [`scans/uploads/${scanId}`, `scans/avatars/${scanId}.glb`];
    const reader = createS3ObjectStore({
      bucket: s3.bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      credentials: s3.credentials,
      maxAttempts: 1,
    });
    try {
      // Storage refuses everything while the member erases their account: the erasure goes on.
      s3.behave({ mode: 'fail', status: 503 });
      expect((await api.delete('/v1/me', member.accessToken)).status).toBe(204);
      const refusedDeletes = () =>
        s3.requests().filter((r) => r.method === 'DELETE' && keys.some((k) => r.url.includes(k)));
      await waitFor(async () => refusedDeletes().some((r) => r.status === 503));
      s3.behave({ mode: 'healthy' });
      // The deletion job tries again (every 5 s) until storage answers.
      await waitFor(
        async () => (await reader.head(keys[0]!)) === null && (await reader.head(keys[1]!)) === null,
        20_000,
      );
      // Removed by a later try, after the refused one.
      for (const key of keys)
        expect(
          refusedDeletes()
            .filter((r) => r.url.includes(key))
            .map((r) => r.status),
        ).toEqual(expect.arrayContaining([503, 204]));
    } finally {
      s3.behave({ mode: 'healthy' });
      reader.close();
    }
  });
});
