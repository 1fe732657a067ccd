import { createServer, type IncomingMessage } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../http-client.ts';
import { waitFor } from '../wait-for.ts';
import { startScanningStandIn, type ScanningStandIn } from './scanning-stand-in.ts';

describe('3D scanning stand-in', () => {
  let standIn: ScanningStandIn;
  let api: ApiClient;
  let token: string;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end('{}');
    });
  });

  beforeAll(async () => {
    standIn = await startScanningStandIn({ processingMs: 150, rateLimit: { limit: 12, windowS: 3600 } });
    api = apiClient(standIn.url);
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    standIn.setWebhookUrl(`http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`);
    const basic = Buffer.from(`${standIn.clientId}:${standIn.clientSecret}`).toString('base64');
    const granted = await api.send('POST', '/oauth/token', {
      raw: 'grant_type=client_credentials',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(granted.status).toBe(200);
    token = granted.body.access_token;
  });
  afterAll(async () => {
    await standIn.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    api.send(method, path, { ...(body === undefined ? {} : { body }), token, headers });

  it('wants a token from its OAuth endpoint', async () => {
    const refused = await api.post('/v1/scans/process', { reference: 'x.1', kind: 'inbody' });
    expect(refused.status).toBe(401);
    const wrong = await api.send('POST', '/oauth/token', {
      raw: 'grant_type=client_credentials&client_id=nobody&client_secret=nothing',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrong.status).toBe(401);
  });

  it('processes for a while, answers the same job for the same key, and signs its webhook', async () => {
    const accepted = await send(
      'POST',
      '/v1/scans/process',
      { reference: 'a.1', kind: 'inbody', measurements: { weightKg: 70 } },
      { 'idempotency-key': 'a.1' },
    );
    expect(accepted.status).toBe(202);
    const again = await send(
      'POST',
      '/v1/scans/process',
      { reference: 'a.1', kind: 'inbody' },
      { 'idempotency-key': 'a.1' },
    );
    expect(again.body.jobId).toBe(accepted.body.jobId);
    const jobId = accepted.body.jobId as string;
    expect((await send('GET', `/v1/processing/status?jobId=${jobId}`)).body.status).toBe('processing');
    expect((await send('POST', '/v1/avatars/generate', { jobId })).status).toBe(409);

    const hook = await waitFor(async () => received.find((r) => r.body.includes(jobId)));
    // Verifiable by anyone holding the secret, with the library the platform uses.
    expect(
      new Webhook(standIn.webhookSecret).verify(hook.body, hook.headers as Record<string, string>),
    ).toMatchObject({
      type: 'scan.completed',
      data: { jobId, reference: 'a.1', measurements: { weightKg: 70 } },
    });
    const status = await send('GET', `/v1/processing/status?jobId=${jobId}`);
    expect(status.body).toMatchObject({ status: 'completed', measurements: { weightKg: 70 } });
    const avatar = await send('POST', '/v1/avatars/generate', { jobId });
    const file = await fetch(avatar.body.url as string);
    expect(file.headers.get('content-type')).toBe('model/gltf-binary');
    expect(
      Buffer.from(await file.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('glTF');
  });

  it('sends a webhook twice with one id, or never, and fails jobs when told', async () => {
    standIn.setWebhookMode('twice');
    const twice = (await send('POST', '/v1/scans/process', { reference: 'b.1', kind: 'scan-file' })).body
      .jobId as string;
    const hooks = await waitFor(async () => {
      const found = received.filter((r) => r.body.includes(twice));
      return found.length === 2 && found;
    });
    expect(hooks[0]!.headers['webhook-id']).toBe(hooks[1]!.headers['webhook-id']);
    standIn.setWebhookMode('never');
    standIn.failJobs('unreadable file');
    const failed = (await send('POST', '/v1/scans/process', { reference: 'c.1', kind: 'scan-file' })).body
      .jobId as string;
    await new Promise((r) => setTimeout(r, 400));
    expect(received.some((r) => r.body.includes(failed))).toBe(false);
    expect((await send('GET', `/v1/processing/status?jobId=${failed}`)).body).toEqual({
      jobId: failed,
      status: 'failed',
      error: 'unreadable file',
    });
    standIn.failJobs(null);
  });

  it('keeps its own limit of calls per hour', async () => {
    let status = 0;
    for (let i = 0; i < 12 && status !== 429; i++)
      status = (await send('GET', '/v1/processing/status?jobId=none')).status;
    expect(status).toBe(429);
  });
});
