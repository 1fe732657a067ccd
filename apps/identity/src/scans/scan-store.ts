import type { Scan, ScanKind, ScanStatus } from '@nxg/contracts';
import { decodeCursor, toPage, type Queryable, type SealedValues } from '@nxg/platform';
import { boundTo } from '../crypto/sealed-columns.ts';
import type { Figures } from './figures.ts';

export type ScanStage = 'submit' | 'processing' | 'avatar';

export interface ScanRow {
  id: string;
  user_id: string;
  uploaded_by: string;
  branch_id: string | null;
  kind: ScanKind;
  file_name: string;
  source_key: string;
  content_type: string;
  size_bytes: string;
  input_sealed: string | null;
  status: ScanStatus;
  stage: ScanStage | null;
  run: number;
  provider_job_id: string | null;
  result_sealed: string | null;
  attempts: number;
  last_error: string | null;
  next_action_at: Date;
  poll_delay_ms: number | null;
  queued_at: Date;
  deadline_at: Date | null;
  failure_reason: string | null;
  measurement_id: string | null;
  avatar_key: string | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  [key: string]: unknown;
}

/** The figures of an InBody export, and when the test was taken. */
export interface ScanInput {
  figures: Figures;
  measuredAt?: string;
}

const iso = (at: Date | string | null) => (at === null ? null : new Date(at).toISOString());

/** The scan as the API shows it, before measurements and avatar link are added for its member. */
export const toScan = (row: ScanRow): Scan => ({
  id: row.id,
  userId: row.user_id,
  status: row.status,
  kind: row.kind,
  fileName: row.file_name,
  uploadedBy: row.uploaded_by,
  branchId: row.branch_id,
  createdAt: iso(row.created_at)!,
  updatedAt: iso(row.updated_at)!,
  completedAt: iso(row.completed_at),
  failureReason: row.failure_reason,
});

/** Scans, their processing state and their sealed figures. */
export class ScanStore {
  private readonly cipher: SealedValues;

  constructor(cipher: SealedValues) {
    this.cipher = cipher;
  }

  /** Inserts a new scan; a scan with this id already there (a retried upload) is answered as it is. */
  async create(
    db: Queryable,
    scan: {
      id: string;
      userId: string;
      uploadedBy: string;
      branchId: string | null;
      kind: ScanKind;
      fileName: string;
      sourceKey: string;
      contentType: string;
      size: number;
      input?: ScanInput;
    },
  ): Promise<{ row: ScanRow; created: boolean }> {
    const inserted = await db.query<ScanRow>(
      `INSERT INTO scans (id, user_id, uploaded_by, branch_id, kind, file_name, source_key, content_type,
         size_bytes, input_sealed, status, stage)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued', 'submit')
       ON CONFLICT (id) DO NOTHING RETURNING *`,
      [
        scan.id,
        scan.userId,
        scan.uploadedBy,
        scan.branchId,
        scan.kind,
        scan.fileName,
        scan.sourceKey,
        scan.contentType,
        scan.size,
        scan.input ? this.cipher.seal(scan.input, boundTo.scanInput(scan.id)) : null,
      ],
    );
    if (inserted[0]) return { row: inserted[0], created: true };
    return { row: (await this.find(db, scan.id))!, created: false };
  }

  async find(db: Queryable, id: string): Promise<ScanRow | undefined> {
    const [row] = await db.query<ScanRow>('SELECT * FROM scans WHERE id = $1', [id]);
    return row;
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async page(db: Queryable, userId: string, limit: number, cursor: string | undefined) {
    const [at, id] = cursor ? decodeCursor(cursor, 2) : [];
    const rows = await db.query<ScanRow>(
      `SELECT * FROM scans WHERE user_id = $1
         AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [userId, at ?? null, id ?? null, limit + 1],
    );
    return toPage(rows, limit, (last) => [iso(last.created_at)!, last.id]);
  }

  input(row: ScanRow): ScanInput | undefined {
    return row.input_sealed
      ? this.cipher.open<ScanInput>(row.input_sealed, boundTo.scanInput(row.id))
      : undefined;
  }

  result(row: ScanRow): Figures | undefined {
    return row.result_sealed
      ? this.cipher.open<Figures>(row.result_sealed, boundTo.scanResult(row.id))
      : undefined;
  }

  sealResult(scanId: string, figures: Figures): string {
    return this.cipher.seal(figures, boundTo.scanResult(scanId));
  }

  /**
   * Takes up to `limit` scans whose next step is due, for `leaseMs`: another replica's worker
   * skips them meanwhile, and takes them over if this one dies.
   */
  async claimDue(db: Queryable, limit: number, leaseMs: number): Promise<ScanRow[]> {
    return db.query<ScanRow>(
      `UPDATE scans SET leased_until = now() + make_interval(secs => $2::float8 / 1000)
       WHERE id IN (
         SELECT id FROM scans
         WHERE stage IS NOT NULL AND next_action_at <= now()
           AND (leased_until IS NULL OR leased_until < now())
         ORDER BY next_action_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [limit, leaseMs],
    );
  }

  /**
   * Moves a scan on, only if it is still at the stage and run the caller saw (a webhook, a retry
   * or an erasure may have moved it meanwhile). Resolves whether it did.
   */
  async advance(
    db: Queryable,
    seen: Pick<ScanRow, 'id' | 'stage' | 'run'>,
    changes: Partial<{
      status: ScanStatus;
      stage: ScanStage | null;
      provider_job_id: string | null;
      result_sealed: string | null;
      attempts: number;
      last_error: string | null;
      next_action_in_ms: number;
      poll_delay_ms: number | null;
      deadline_in_ms: number | null;
      failure_reason: string | null;
      measurement_id: string;
      avatar_key: string;
      completed: boolean;
    }>,
  ): Promise<boolean> {
    const sets: string[] = ['updated_at = now()', 'leased_until = NULL'];
    const values: unknown[] = [seen.id, seen.stage, seen.run];
    const set = (column: string, value: unknown, expression = `$${values.length + 1}`) => {
      values.push(value);
      sets.push(`${column} = ${expression}`);
    };
    for (const column of [
      'status',
      'stage',
      'provider_job_id',
      'result_sealed',
      'attempts',
      'last_error',
      'poll_delay_ms',
      'failure_reason',
      'measurement_id',
      'avatar_key',
    ] as const)
      if (changes[column] !== undefined) set(column, changes[column]);
    if (changes.next_action_in_ms !== undefined)
      set(
        'next_action_at',
        changes.next_action_in_ms,
        `now() + make_interval(secs => $${values.length + 1}::float8 / 1000)`,
      );
    if (changes.deadline_in_ms !== undefined)
      set(
        'deadline_at',
        changes.deadline_in_ms,
        `CASE WHEN $${values.length + 1}::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $${values.length + 1}::float8 / 1000) END`,
      );
    if (changes.completed) sets.push('completed_at = now()');
    const updated = await db.query(
      `UPDATE scans SET ${sets.join(', ')} WHERE id = $1 AND stage IS NOT DISTINCT FROM $2 AND run = $3 RETURNING id`,
      values,
    );
    return updated.length === 1;
  }
}

/** A member's scans for their data export (figures are in the body-composition history). */
export async function scansForExport(db: Queryable, userId: string) {
  const rows = await db.query<ScanRow>(
    'SELECT * FROM scans WHERE user_id = $1 ORDER BY created_at DESC, id DESC',
    [userId],
  );
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    kind: row.kind,
    fileName: row.file_name,
    createdAt: iso(row.created_at)!,
    completedAt: iso(row.completed_at),
    measurementId: row.measurement_id,
  }));
}
