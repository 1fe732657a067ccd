import { ScanErrors } from '@nxg/contracts';
import { AppError, validatorFor, type Queryable } from '@nxg/platform';
import { Webhook } from 'standardwebhooks';
import Type, { type Static } from 'typebox';
import { ProviderMeasurements } from './scanning-client.ts';

/** Standard Webhooks' tolerance: a timestamp further than this from now is refused. */
export const WEBHOOK_TOLERANCE_S = 5 * 60;

/**
 * How long a received webhook's id is remembered. Past the timestamp tolerance a replay is refused
 * as stale anyway, and a redelivery of a finished run changes nothing, so a day is ample.
 */
export const WEBHOOK_RECORD_TTL_MS = 24 * 3600_000;

/** Forgets webhook ids older than `ttlMs`, so the replay record does not grow without end. */
export async function pruneWebhookRecords(db: Queryable, ttlMs = WEBHOOK_RECORD_TTL_MS): Promise<number> {
  const gone = await db.query(
    `DELETE FROM scan_webhooks WHERE received_at < now() - make_interval(secs => $1::float8 / 1000)
     RETURNING webhook_id`,
    [ttlMs],
  );
  return gone.length;
}

export const ScanWebhookPayload = Type.Object({
  type: Type.Union([Type.Literal('scan.completed'), Type.Literal('scan.failed')]),
  data: Type.Object({
    jobId: Type.String({ minLength: 1, maxLength: 200 }),
    /** Our `<scanId>.<run>`, as sent with the scan. */
    reference: Type.String({ pattern: '^[0-9a-f-]{36}\\.[0-9]{1,9}$' }),
    measurements: Type.Optional(ProviderMeasurements),
    error: Type.Optional(Type.String({ maxLength: 500 })),
  }),
});
export type ScanWebhookPayload = Static<typeof ScanWebhookPayload>;

/**
 * Checks a webhook of the scanning service: its timestamp within five minutes of ours, then its
 * signature (Standard Webhooks: HMAC-SHA256 of `<webhook-id>.<timestamp>.<body>` under the shared
 * secret, through the `standardwebhooks` library), then its body. Replays are refused by id
 * where the webhook is recorded (scan-handlers.ts), in the same transaction as its effect.
 */
export function verifyScanWebhook(
  secret: string,
  input: { webhookId: string; timestamp: string; signature: string; payload: string },
  now = Date.now(),
): ScanWebhookPayload {
  const at = Number(input.timestamp);
  if (!/^\d{1,12}$/.test(input.timestamp) || Math.abs(now / 1000 - at) > WEBHOOK_TOLERANCE_S)
    throw new AppError(
      401,
      ScanErrors.WEBHOOK_TIMESTAMP_STALE,
      'The webhook timestamp is not within five minutes of now',
    );
  try {
    new Webhook(secret).verify(input.payload, {
      'webhook-id': input.webhookId,
      'webhook-timestamp': input.timestamp,
      'webhook-signature': input.signature,
    });
  } catch {
    throw new AppError(401, ScanErrors.WEBHOOK_SIGNATURE_INVALID, 'The webhook signature does not verify');
  }
  let body: unknown;
  try {
    body = JSON.parse(input.payload);
  } catch {
    body = undefined;
  }
  if (!validatorFor(ScanWebhookPayload).Check(body))
    throw new AppError(
      400,
      ScanErrors.WEBHOOK_PAYLOAD_INVALID,
      'The webhook body is not a scan event we know',
    );
  return body as ScanWebhookPayload;
}
