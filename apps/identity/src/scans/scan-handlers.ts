import {
  IdentityErrors,
  scanFileTypes,
  ScanErrors,
  scans,
  type BodyComposition,
  type RequestContext,
  type Scan,
} from '@nxg/contracts';
import { AppError, bind, requireUser, type Binding, type Queryable } from '@nxg/platform';
import { boundTo } from '../crypto/sealed-columns.ts';
import type { IdentityDeps } from '../deps.ts';
import type { Figures } from './figures.ts';
import { readInBodyExport, implausible } from './inbody-export.ts';
import { knownFigures } from './scanning-client.ts';
import { ScanStore, toScan, type ScanRow } from './scan-store.ts';
import { verifyScanWebhook } from './scan-webhooks.ts';

/** An InBody export is a few kilobytes; anything much larger is not one. */
const MAX_EXPORT_BYTES = 1024 * 1024;

const notFound = () => new AppError(404, ScanErrors.SCAN_NOT_FOUND, 'No such scan');

/**
 * The branch a staff upload is made at: one where the uploader is staff and the member trains.
 * Platform admins may upload for anyone (no branch).
 */
async function uploadBranch(db: Queryable, ctx: RequestContext, memberId: string): Promise<string | null> {
  if (ctx.roles.includes('platform_admin')) return null;
  const staffOf = Object.keys(ctx.branchRoles);
  const [match] = staffOf.length
    ? await db.query<{ branch_id: string }>(
        `SELECT branch_id FROM branch_members WHERE user_id = $1 AND branch_id = ANY($2::uuid[])
         ORDER BY first_seen_at LIMIT 1`,
        [memberId, staffOf],
      )
    : [];
  if (!match)
    throw new AppError(
      403,
      ScanErrors.SCAN_MEMBER_NOT_IN_BRANCH,
      'You may upload scans only for members who train at a branch where you are staff',
    );
  return match.branch_id;
}

async function readText(deps: IdentityDeps, key: string): Promise<string> {
  const { body } = await deps.scans.objects.get(key);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_EXPORT_BYTES) {
      body.destroy();
      throw new AppError(422, ScanErrors.INBODY_FILE_MALFORMED, 'An InBody export is never this large', {
        details: [{ path: '/', message: `is larger than ${MAX_EXPORT_BYTES} bytes` }],
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The scan as its member sees it: with its measurements and a short-lived avatar link once done. */
async function present(deps: IdentityDeps, row: ScanRow, viewer: string): Promise<Scan> {
  const scan = toScan(row);
  if (row.status !== 'done' || viewer !== row.user_id) return scan;
  if (row.measurement_id) {
    const [m] = await deps.db.query<{ id: string; measured_at: Date; source: string; sealed: string }>(
      'SELECT id, measured_at, source, sealed FROM body_measurements WHERE id = $1',
      [row.measurement_id],
    );
    if (m)
      scan.measurements = {
        id: m.id,
        measuredAt: new Date(m.measured_at).toISOString(),
        source: m.source,
        ...deps.cipher.open<Figures>(m.sealed, boundTo.bodyFigures(m.id)),
      } satisfies BodyComposition;
  }
  if (row.avatar_key) {
    const ttlS = deps.config.STORAGE_URL_TTL_S;
    scan.avatarUrl = await deps.scans.objects.signedUrl(row.avatar_key, { expiresInS: ttlS });
    scan.avatarUrlExpiresAt = new Date(Date.now() + ttlS * 1000).toISOString();
  }
  return scan;
}

/** Uploads, reads and retries of 3D scans, and the scanning service's webhook. */
export function scanBindings(deps: IdentityDeps): Binding[] {
  const { db, cipher, config, logger } = deps;
  const store = new ScanStore(cipher);

  /** A scan the caller may see: their own, or one they uploaded for a member. */
  const visible = async (scanId: string, viewer: string) => {
    const row = await store.find(db, scanId);
    if (!row || (row.user_id !== viewer && row.uploaded_by !== viewer)) throw notFound();
    return row;
  };

  return [
    bind(scans.upload, async ({ scanId, userId, file }, ctx) => {
      const uploader = requireUser(ctx);
      const memberId = userId ?? uploader;
      try {
        const existing = await store.find(db, scanId);
        // A retried upload (same Idempotency-Key): the same scan, whatever state it has reached.
        if (existing && existing.uploaded_by === uploader)
          return { scanId: existing.id, status: existing.status };
        if (existing) throw notFound();
        const branchId = memberId === uploader ? null : await uploadBranch(db, ctx, memberId);
        const kind = scanFileTypes[file.contentType];
        if (!kind)
          throw new AppError(
            415,
            ScanErrors.SCAN_FILE_TYPE_UNSUPPORTED,
            `${file.contentType} is not a scan file type`,
          );
        const input =
          kind === 'inbody' ? readInBodyExport(await readText(deps, file.key), file.contentType) : undefined;
        const { row } = await store
          .create(db, {
            id: scanId,
            userId: memberId,
            uploadedBy: uploader,
            branchId,
            kind,
            fileName: file.name,
            sourceKey: file.key,
            contentType: file.contentType,
            size: file.size,
            ...(input ? { input } : {}),
          })
          .catch((error: unknown) => {
            if ((error as { code?: string }).code === '23503')
              throw new AppError(404, IdentityErrors.USER_NOT_FOUND, 'The member no longer exists');
            throw error;
          });
        logger.info({ scanId, kind, size: file.size, staff: memberId !== uploader }, 'scan queued');
        return { scanId: row.id, status: row.status };
      } catch (error) {
        // Refused: the upload goes (unless it is a scan already accepted under this key).
        if (!(await store.find(db, scanId))) await deps.scans.objects.delete(file.key).catch(() => undefined);
        throw error;
      }
    }),

    bind(scans.get, async ({ scanId }, ctx) => {
      const viewer = requireUser(ctx);
      return present(deps, await visible(scanId, viewer), viewer);
    }),

    bind(scans.list, async ({ limit = 20, cursor }, ctx) => {
      const viewer = requireUser(ctx);
      const page = await store.page(db, viewer, limit, cursor);
      return { items: page.items.map(toScan), nextCursor: page.nextCursor };
    }),

    bind(scans.retry, async ({ scanId }, ctx) => {
      await visible(scanId, requireUser(ctx));
      const [row] = await db.query<ScanRow>(
        `UPDATE scans SET status = 'queued', stage = 'submit', run = run + 1, attempts = 0,
           provider_job_id = NULL, result_sealed = NULL, failure_reason = NULL, last_error = NULL,
           poll_delay_ms = NULL, next_action_at = now(), queued_at = now(), deadline_at = NULL,
           leased_until = NULL, updated_at = now()
         WHERE id = $1 AND status = 'failed' RETURNING *`,
        [scanId],
      );
      if (!row) throw new AppError(409, ScanErrors.SCAN_NOT_RETRYABLE, 'Only a failed scan can be retried');
      return { scanId: row.id, status: row.status };
    }),

    bind(scans.webhook, async ({ provider, ...signed }) => {
      const secret = config.SCANNING_WEBHOOK_SECRET;
      if (provider !== config.SCANNING_PROVIDER || !secret)
        throw new AppError(404, ScanErrors.WEBHOOK_PROVIDER_UNKNOWN, `No scanning provider ${provider}`);
      const event = verifyScanWebhook(secret, signed);
      const [scanId, run] = event.data.reference.split('.') as [string, string];
      await db.transaction(async (tx) => {
        const fresh = await tx.query(
          `INSERT INTO scan_webhooks (provider, webhook_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING webhook_id`,
          [provider, signed.webhookId],
        );
        if (fresh.length === 0)
          throw new AppError(409, ScanErrors.WEBHOOK_REPLAYED, 'This webhook was already received');
        const [row] = await tx.query<ScanRow>('SELECT * FROM scans WHERE id = $1 FOR UPDATE', [scanId]);
        // Late news of a run that has since timed out, been retried or erased: recorded, nothing else.
        if (!row || row.run !== Number(run) || (row.stage !== 'submit' && row.stage !== 'processing')) return;
        if (event.type === 'scan.failed') {
          await store.advance(tx, row, {
            status: 'failed',
            stage: null,
            failure_reason: `The scanning service could not process the scan${event.data.error ? `: ${event.data.error}` : ''}`,
          });
          return;
        }
        const figures = knownFigures(event.data.measurements ?? {});
        if (Object.keys(figures).length === 0 || implausible(figures).length) {
          await store.advance(tx, row, {
            status: 'failed',
            stage: null,
            failure_reason: 'The scanning service sent measurements outside what a human body can measure',
          });
          return;
        }
        await store.advance(tx, row, {
          status: 'processing',
          stage: 'avatar',
          provider_job_id: event.data.jobId,
          result_sealed: store.sealResult(row.id, figures),
          next_action_in_ms: 0,
          attempts: 0,
          ...(row.deadline_at ? {} : { deadline_in_ms: config.SCAN_PROCESSING_TIMEOUT_MS }),
        });
      });
      return { received: true };
    }),
  ];
}
