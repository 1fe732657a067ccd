import { identityEvents } from '@nxg/contracts';
import { isExternalError, ExternalErrorCodes } from '@nxg/external';
import { enqueueEvent, type Job, uuidv7 } from '@nxg/platform';
import { Readable } from 'node:stream';
import { request } from 'undici';
import type { IdentityDeps } from '../deps.ts';
import { BodyStore } from '../profile/body-store.ts';
import type { Figures } from './figures.ts';
import { implausible } from './inbody-export.ts';
import { knownFigures } from './scanning-client.ts';
import { ScanStore, type ScanRow } from './scan-store.ts';

/** Scans one worker run takes on, and how long it holds them. */
const BATCH = 10;
const LEASE_MS = 120_000;

const avatarKey = (scanId: string) => `scans/avatars/${scanId}.glb`;

/**
 * Moves scans through processing, one step per due scan and run: submit to the scanning service
 * (waiting, with backoff, while it is down or rate limiting), poll its status when no webhook
 * came (backing off up to SCAN_POLL_MAX_MS), fetch and store the avatar, and record the result.
 * A scan past its deadline fails with a reason; the member can retry it.
 */
export function scanWorkerJob(deps: IdentityDeps): Job {
  const { db, cipher, config, logger } = deps;
  const { objects, scanning } = deps.scans;
  const store = new ScanStore(cipher);
  const bodies = new BodyStore(cipher);

  const backoff = (attempts: number, retryAfterMs = 0) =>
    Math.max(retryAfterMs, Math.min(config.SCAN_RETRY_MAX_MS, 500 * 2 ** Math.min(attempts, 20)));

  const fail = (row: ScanRow, reason: string) =>
    store.advance(db, row, { status: 'failed', stage: null, failure_reason: reason });

  /** The scanning service could not be reached or refused for now: the scan waits and tries again. */
  const wait = async (row: ScanRow, error: unknown) => {
    if (!isExternalError(error)) throw error;
    // 409: not ready yet (an avatar asked for before the service has finished): ask again later.
    if (error.code === ExternalErrorCodes.REQUEST_REJECTED && error.upstreamStatus !== 409)
      return fail(row, `The scanning service rejected the scan (HTTP ${error.upstreamStatus ?? '4xx'})`);
    const attempts = row.attempts + 1;
    const delay = backoff(attempts, error.retryAfterMs);
    logger.warn(
      { scanId: row.id, stage: row.stage, code: error.code, attempts, retryInMs: delay },
      'scan waits for the scanning service',
    );
    return store.advance(db, row, { attempts, last_error: error.code, next_action_in_ms: delay });
  };

  /** The measurements become a body-composition entry; the scan is done; both events go out. */
  const finish = async (row: ScanRow, figures: Figures, avatar: string | null) => {
    const measuredAt = store.input(row)?.measuredAt ?? new Date().toISOString();
    const done = await db.transaction(async (tx) => {
      const [locked] = await tx.query<ScanRow>('SELECT * FROM scans WHERE id = $1 FOR UPDATE', [row.id]);
      if (!locked || locked.stage !== row.stage || locked.run !== row.run) return false;
      const entry = await bodies.insert(tx, {
        id: uuidv7(),
        userId: row.user_id,
        measuredAt,
        source: 'scan',
        figures,
      });
      await store.advance(tx, row, {
        status: 'done',
        stage: null,
        measurement_id: entry.id,
        ...(avatar ? { avatar_key: avatar } : {}),
        completed: true,
        last_error: null,
      });
      await enqueueEvent(tx, {
        event: identityEvents.bodyMeasured,
        subject: row.user_id,
        data: { userId: row.user_id, measurementId: entry.id, measuredAt: entry.measuredAt },
      });
      await enqueueEvent(tx, {
        event: identityEvents.scanCompleted,
        subject: row.user_id,
        data: {
          userId: row.user_id,
          scanId: row.id,
          measurementId: entry.id,
          hasAvatar: avatar !== null,
          completedAt: new Date().toISOString(),
        },
      });
      return true;
    });
    if (done) {
      logger.info({ scanId: row.id, avatar: avatar !== null }, 'scan done');
    } else if (avatar) await objects.delete(avatar).catch(() => undefined); // erased or moved on meanwhile
  };

  const submit = async (row: ScanRow) => {
    const input = store.input(row);
    if (!scanning) {
      // No scanning service configured: an export's own figures are the result, without an avatar.
      if (input) return finish(row, input.figures, null);
      return fail(row, 'No scanning service is configured to read scan files');
    }
    try {
      const fileUrl =
        row.kind === 'scan-file'
          ? await objects.signedUrl(row.source_key, {
              expiresInS: Math.ceil(config.SCAN_PROCESSING_TIMEOUT_MS / 1000),
            })
          : undefined;
      const { jobId } = await scanning.process({
        reference: `${row.id}.${row.run}`,
        kind: row.kind,
        ...(input ? { measurements: input.figures } : {}),
        ...(fileUrl ? { fileUrl } : {}),
      });
      await store.advance(db, row, {
        status: 'processing',
        stage: 'processing',
        provider_job_id: jobId,
        attempts: 0,
        last_error: null,
        // The webhook is the quick way; polling starts only if it is late.
        next_action_in_ms: config.SCAN_POLL_AFTER_MS,
        poll_delay_ms: config.SCAN_POLL_AFTER_MS,
        deadline_in_ms: config.SCAN_PROCESSING_TIMEOUT_MS,
      });
    } catch (error) {
      await wait(row, error);
    }
  };

  const poll = async (row: ScanRow) => {
    try {
      const status = await scanning!.status(row.provider_job_id!);
      if (status.status === 'failed')
        return fail(
          row,
          `The scanning service could not process the scan${status.error ? `: ${status.error}` : ''}`,
        );
      if (status.status === 'processing') {
        const delay = Math.min(config.SCAN_POLL_MAX_MS, (row.poll_delay_ms ?? config.SCAN_POLL_AFTER_MS) * 2);
        return store.advance(db, row, { next_action_in_ms: delay, poll_delay_ms: delay, attempts: 0 });
      }
      const figures = knownFigures(status.measurements ?? {});
      if (Object.keys(figures).length === 0 || implausible(figures).length)
        return fail(row, 'The scanning service sent measurements outside what a human body can measure');
      await store.advance(db, row, {
        stage: 'avatar',
        result_sealed: store.sealResult(row.id, figures),
        next_action_in_ms: 0,
        attempts: 0,
      });
    } catch (error) {
      await wait(row, error);
    }
  };

  const fetchAvatar = async (row: ScanRow) => {
    const figures = store.result(row)!;
    let link;
    try {
      link = await scanning!.avatar(row.provider_job_id!);
    } catch (error) {
      return wait(row, error);
    }
    const key = avatarKey(row.id);
    try {
      // A link the service signed: streamed from it straight into our storage.
      const response = await request(link.url, {
        headersTimeout: config.SCANNING_TIMEOUT_MS,
        bodyTimeout: config.SCANNING_TIMEOUT_MS,
      });
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new Error(`avatar download answered HTTP ${response.statusCode}`);
      }
      await objects.put(key, Readable.from(response.body), {
        contentType: link.contentType,
        maxBytes: config.SCAN_AVATAR_MAX_BYTES,
      });
    } catch (error) {
      const attempts = row.attempts + 1;
      logger.warn({ scanId: row.id, err: error, attempts }, 'avatar not stored yet');
      return store.advance(db, row, {
        attempts,
        last_error: 'AVATAR_DOWNLOAD',
        next_action_in_ms: backoff(attempts),
      });
    }
    await finish(row, figures, key);
  };

  const step = async (row: ScanRow) => {
    const now = Date.now();
    if (row.deadline_at && new Date(row.deadline_at).getTime() < now)
      return fail(
        row,
        `Processing took longer than ${Math.round(config.SCAN_PROCESSING_TIMEOUT_MS / 1000)} s; retry the scan`,
      );
    if (row.stage === 'submit' && new Date(row.queued_at).getTime() + config.SCAN_QUEUE_TIMEOUT_MS < now)
      return fail(row, 'The scanning service could not be reached for too long; retry the scan');
    if (row.stage === 'submit') return submit(row);
    // Sent to a scanning service that is no longer configured: nothing can finish it.
    if (!scanning) return fail(row, 'No scanning service is configured any more; retry the scan');
    if (row.stage === 'processing') return poll(row);
    return fetchAvatar(row);
  };

  return {
    name: 'scan-worker',
    everyMs: config.SCAN_WORKER_INTERVAL_MS,
    async run() {
      const due = await store.claimDue(db, BATCH, LEASE_MS);
      for (const row of due) {
        await step(row).catch((error: unknown) => {
          logger.error({ err: error, scanId: row.id }, 'scan step failed');
        });
      }
    },
  };
}
