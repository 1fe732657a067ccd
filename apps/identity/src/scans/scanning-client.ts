import type { Cache } from '@nxg/platform';
import {
  createExternalClient,
  oauthClientCredentials,
  PublishedLimits,
  type ExternalClient,
} from '@nxg/external';
import type { Logger } from 'pino';
import Type, { type Static } from 'typebox';
import type { Figures } from './figures.ts';

/**
 * The 3D scanning service (seed, "External APIs"): OAuth 2 client credentials, 100 scan requests
 * an hour, asynchronous. `POST /scans/process` takes a scan and answers a job at once; the result
 * comes by signed webhook or `GET /processing/status`; `POST /avatars/generate` gives a link to
 * the finished avatar file.
 */

/** The service's measurement names (the InBody export's, in our units). */
export const ProviderMeasurements = Type.Object(
  {
    weightKg: Type.Optional(Type.Number()),
    bodyFatPercentage: Type.Optional(Type.Number()),
    skeletalMuscleMassKg: Type.Optional(Type.Number()),
    basalMetabolicRateKcal: Type.Optional(Type.Number()),
    visceralFatLevel: Type.Optional(Type.Number()),
    bodyWaterPercentage: Type.Optional(Type.Number()),
  },
  { additionalProperties: true },
);

const JobAccepted = Type.Object({ jobId: Type.String({ minLength: 1 }), status: Type.String() });

export const JobStatus = Type.Object({
  jobId: Type.String(),
  status: Type.Union([Type.Literal('processing'), Type.Literal('completed'), Type.Literal('failed')]),
  measurements: Type.Optional(ProviderMeasurements),
  error: Type.Optional(Type.String()),
});
export type JobStatus = Static<typeof JobStatus>;

const AvatarLink = Type.Object({
  avatarId: Type.String(),
  url: Type.String({ pattern: '^https?://' }),
  contentType: Type.String(),
});
export type AvatarLink = Static<typeof AvatarLink>;

export interface ScanningService {
  readonly client: ExternalClient;
  /** Sends a scan; `reference` (`<scanId>.<run>`) is also its idempotency key, so a resend is the same job. */
  process(input: {
    reference: string;
    kind: 'inbody' | 'scan-file';
    measurements?: Figures;
    fileUrl?: string;
  }): Promise<{ jobId: string }>;
  status(jobId: string): Promise<JobStatus>;
  avatar(jobId: string): Promise<AvatarLink>;
}

/** Only the figures we know, whatever else the service sends. */
export const knownFigures = (m: Static<typeof ProviderMeasurements>): Figures => {
  const figures: Figures = {};
  for (const key of [
    'weightKg',
    'bodyFatPercentage',
    'skeletalMuscleMassKg',
    'basalMetabolicRateKcal',
    'visceralFatLevel',
    'bodyWaterPercentage',
  ] as const)
    if (typeof m[key] === 'number') figures[key] = m[key];
  return figures;
};

export function createScanningService(options: {
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  quotaPerHour: number;
  timeoutMs: number;
  cache: Cache;
  logger: Logger;
}): ScanningService {
  const client = createExternalClient({
    name: 'scanning',
    baseUrl: options.baseUrl,
    auth: oauthClientCredentials({
      tokenUrl: options.tokenUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
    }),
    timeoutMs: options.timeoutMs,
    quota: { ...PublishedLimits.scanning, limit: options.quotaPerHour },
    cache: options.cache,
    logger: options.logger,
    // The worker retries on its own schedule (the scan waits queued): fail fast here.
    retry: { maxRetries: 1, maxRetryAfterMs: 1_000 },
  });
  return {
    client,
    async process({ reference, ...body }) {
      const { data } = await client.request({
        method: 'POST',
        path: '/scans/process',
        body: { reference, ...body },
        headers: { 'idempotency-key': reference },
        // Safe to resend: the service answers the same job for the same idempotency key.
        idempotent: true,
        schema: JobAccepted,
        operation: 'process scan',
      });
      return { jobId: data.jobId };
    },
    async status(jobId) {
      const { data } = await client.request({
        method: 'GET',
        path: '/processing/status',
        query: { jobId },
        schema: JobStatus,
        operation: 'processing status',
      });
      return data;
    },
    async avatar(jobId) {
      const { data } = await client.request({
        method: 'POST',
        path: '/avatars/generate',
        body: { jobId },
        headers: { 'idempotency-key': `avatar.${jobId}` },
        idempotent: true,
        schema: AvatarLink,
        operation: 'generate avatar',
      });
      return data;
    },
  };
}
