import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { startStandIn, type StandIn } from './stand-in-server.ts';

// The 3D scanning service of the seed ("External APIs"): OAuth 2 client credentials, 100 scan
// requests an hour, asynchronous processing with signed webhooks (Standard Webhooks: HMAC-SHA256
// over `<id>.<timestamp>.<body>`), POST /scans/process, GET /processing/status,
// POST /avatars/generate, all under /v1. Jobs take `processingMs`; their webhook can be sent once,
// twice, late or never; faults (down, slow, 429) come from `behave`.

export interface StandInMeasurements {
  weightKg?: number;
  bodyFatPercentage?: number;
  skeletalMuscleMassKg?: number;
  basalMetabolicRateKcal?: number;
  visceralFatLevel?: number;
  bodyWaterPercentage?: number;
  [other: string]: unknown;
}

export type WebhookMode = 'once' | 'twice' | 'late' | 'never';

export interface ScanningJob {
  jobId: string;
  reference: string;
  kind: string;
  fileUrl?: string;
  measurements: StandInMeasurements;
  startedAt: number;
  outcome: 'completed' | 'failed';
  error?: string;
}

export interface WebhookDelivery {
  webhookId: string;
  jobId: string;
  /** The status our platform answered, or 0 when it could not be reached. */
  status: number;
  at: number;
}

export interface ScanningStandInOptions {
  clientId?: string;
  clientSecret?: string;
  /** How long a job takes (default 300 ms). */
  processingMs?: number;
  webhook?: WebhookMode;
  /** `late`: how long after the job is done (default 2 s). */
  lateMs?: number;
  rateLimit?: { limit: number; windowS: number };
}

export interface ScanningStandIn extends StandIn {
  /** Base URL of the API, with its `/v1` prefix. */
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The secret its webhooks are signed with (`whsec_…`). */
  readonly webhookSecret: string;
  /** Where webhooks go (the platform's `POST /v1/scans/webhooks/{provider}`); none are sent until set. */
  setWebhookUrl(url: string): void;
  setWebhookMode(mode: WebhookMode, lateMs?: number): void;
  setProcessingMs(ms: number): void;
  /** The next jobs fail (with this reason) instead of completing; `null` turns it off. */
  failJobs(reason: string | null): void;
  /** What the next jobs measure for scan files, and on top of an InBody export's figures. */
  setMeasurements(measurements: StandInMeasurements): void;
  jobs(): ScanningJob[];
  deliveries(): WebhookDelivery[];
  /** A webhook as the service would sign it (tests forge, replay and age them from here). */
  signWebhook(
    body: unknown,
    options?: { webhookId?: string; at?: Date; secret?: string },
  ): { headers: Record<string, string>; payload: string };
  /** Avatar files downloaded from its links. */
  avatarDownloads(): number;
}

const defaultScanFigures: StandInMeasurements = {
  weightKg: 74.2,
  bodyFatPercentage: 19.5,
  skeletalMuscleMassKg: 33.1,
  basalMetabolicRateKcal: 1650,
  visceralFatLevel: 7,
  bodyWaterPercentage: 55.4,
};

/** A small glTF-binary-looking file, different per job. */
const avatarBytes = (jobId: string) =>
  Buffer.concat([Buffer.from('glTF'), Buffer.alloc(4, 2), Buffer.from(jobId), Buffer.alloc(16_384, 7)]);

export async function startScanningStandIn(options: ScanningStandInOptions = {}): Promise<ScanningStandIn> {
  const clientId = options.clientId ?? 'scanning-client';
  const clientSecret = options.clientSecret ?? `scs-${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  let processingMs = options.processingMs ?? 300;
  let mode: WebhookMode = options.webhook ?? 'once';
  let lateMs = options.lateMs ?? 2_000;
  let webhookUrl: string | undefined;
  let failure: string | null = null;
  let figures: StandInMeasurements = {};
  let downloads = 0;
  const jobs = new Map<string, ScanningJob>();
  const byKey = new Map<string, string>();
  const deliveries: WebhookDelivery[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, work: () => Promise<void>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void work().catch(() => undefined);
    }, ms);
    timers.add(timer);
  };

  const sign = (body: unknown, opts: { webhookId?: string; at?: Date; secret?: string } = {}) => {
    const webhookId = opts.webhookId ?? `msg_${randomUUID()}`;
    const at = opts.at ?? new Date();
    const payload = JSON.stringify(body);
    const signature = new Webhook(opts.secret ?? webhookSecret).sign(webhookId, at, payload);
    return {
      payload,
      headers: {
        'content-type': 'application/json',
        'webhook-id': webhookId,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      },
    };
  };

  const eventOf = (job: ScanningJob) =>
    job.outcome === 'completed'
      ? {
          type: 'scan.completed',
          data: { jobId: job.jobId, reference: job.reference, measurements: job.measurements },
        }
      : { type: 'scan.failed', data: { jobId: job.jobId, reference: job.reference, error: job.error } };

  const deliver = async (job: ScanningJob, signed: { headers: Record<string, string>; payload: string }) => {
    if (!webhookUrl) return;
    const entry: WebhookDelivery = {
      webhookId: signed.headers['webhook-id']!,
      jobId: job.jobId,
      status: 0,
      at: Date.now(),
    };
    deliveries.push(entry);
    try {
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: signed.headers,
        body: signed.payload,
      });
      entry.status = response.status;
      await response.text();
    } catch {
      entry.status = 0;
    }
  };

  const announce = (job: ScanningJob) => {
    const current = mode;
    if (current === 'never') return;
    const signed = sign(eventOf(job));
    later(processingMs + (current === 'late' ? lateMs : 0), async () => {
      await deliver(job, signed);
      // A redelivery: the same message, id and signature again.
      if (current === 'twice') await deliver(job, signed);
    });
  };

  const statusOf = (job: ScanningJob) => {
    if (Date.now() - job.startedAt < processingMs) return { jobId: job.jobId, status: 'processing' };
    return job.outcome === 'completed'
      ? { jobId: job.jobId, status: 'completed', measurements: job.measurements }
      : { jobId: job.jobId, status: 'failed', error: job.error };
  };

  const standIn: StandIn = await startStandIn({
    auth: { kind: 'oauth', clientId, clientSecret },
    rateLimit: options.rateLimit ?? { limit: 100, windowS: 3600 },
    garbageBody: '{"job":"accepted"}',
    publicRoutes(app) {
      app.get('/files/avatars/:file', async (request, reply) => {
        const jobId = (request.params as { file: string }).file.replace(/\.glb$/, '');
        const job = jobs.get(jobId);
        if (!job || job.outcome !== 'completed') return reply.status(404).send({ error: 'not_found' });
        downloads++;
        return reply.header('content-type', 'model/gltf-binary').send(avatarBytes(jobId));
      });
    },
    routes(app) {
      app.post('/v1/scans/process', async (request, reply) => {
        const body = (request.body ?? {}) as {
          reference?: unknown;
          kind?: unknown;
          measurements?: StandInMeasurements;
          fileUrl?: unknown;
        };
        if (typeof body.reference !== 'string' || (body.kind !== 'inbody' && body.kind !== 'scan-file'))
          return reply
            .status(400)
            .send({ error: 'invalid_request', message: 'reference and kind are required' });
        const key = String(request.headers['idempotency-key'] ?? body.reference);
        const known = byKey.get(key);
        if (known) return reply.status(202).send({ jobId: known, status: 'processing' });
        const job: ScanningJob = {
          jobId: `job_${randomUUID()}`,
          reference: body.reference,
          kind: body.kind,
          ...(typeof body.fileUrl === 'string' ? { fileUrl: body.fileUrl } : {}),
          measurements: {
            ...defaultScanFigures,
            ...(body.kind === 'inbody' ? body.measurements : {}),
            ...figures,
          },
          startedAt: Date.now(),
          outcome: failure === null ? 'completed' : 'failed',
          ...(failure === null ? {} : { error: failure }),
        };
        jobs.set(job.jobId, job);
        byKey.set(key, job.jobId);
        announce(job);
        return reply.status(202).send({ jobId: job.jobId, status: 'processing' });
      });
      app.get('/v1/processing/status', async (request, reply) => {
        const job = jobs.get(String((request.query as { jobId?: string }).jobId));
        if (!job) return reply.status(404).send({ error: 'not_found' });
        return statusOf(job);
      });
      app.post('/v1/avatars/generate', async (request, reply) => {
        const job = jobs.get(String(((request.body ?? {}) as { jobId?: string }).jobId));
        if (!job) return reply.status(404).send({ error: 'not_found' });
        if (statusOf(job).status !== 'completed') return reply.status(409).send({ error: 'not_ready' });
        return {
          avatarId: `avatar_${job.jobId}`,
          url: `${standIn.url}/files/avatars/${job.jobId}.glb`,
          contentType: 'model/gltf-binary',
        };
      });
    },
  });
  const close = standIn.close.bind(standIn);
  return Object.assign(standIn, {
    baseUrl: `${standIn.url}/v1`,
    clientId,
    clientSecret,
    webhookSecret,
    setWebhookUrl(url: string) {
      webhookUrl = url;
    },
    setWebhookMode(next: WebhookMode, nextLateMs?: number) {
      mode = next;
      if (nextLateMs !== undefined) lateMs = nextLateMs;
    },
    setProcessingMs(ms: number) {
      processingMs = ms;
    },
    failJobs(reason: string | null) {
      failure = reason;
    },
    setMeasurements(next: StandInMeasurements) {
      figures = { ...next };
    },
    jobs: () => [...jobs.values()],
    deliveries: () => [...deliveries],
    signWebhook: sign,
    avatarDownloads: () => downloads,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await close();
    },
  });
}
