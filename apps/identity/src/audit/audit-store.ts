import { randomUUID } from 'node:crypto';
import type { Static } from 'typebox';
import type { AuditEntry, AuditType } from '@nxg/contracts';
import { decodeCursor, toPage, type Queryable, uuidv7 } from '@nxg/platform';

export type AuditKind = Static<typeof AuditType>;

/** What an audit entry may hold: ids and the client address. Never a secret, token, code or health figure. */
export interface AuditRecord {
  type: AuditKind;
  /** The account it concerns. */
  userId?: string | null | undefined;
  /** Who did it, when someone else (an admin granting a role, staff acting on a machine). */
  actorId?: string | null | undefined;
  ip?: string | null | undefined;
  details?: Record<string, string>;
  /** For entries written from another service's event: written once however often it is delivered. */
  sourceEventId?: string;
  at?: string;
}

/** Writes one entry; pass the transaction of the change it records. */
export async function recordAudit(q: Queryable, entry: AuditRecord): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (id, type, at, user_id, actor_id, ip, details, source_event_id)
     VALUES ($1, $2, coalesce($3::timestamptz, date_trunc('milliseconds', now())), $4, $5, $6, $7, $8)
     ON CONFLICT (source_event_id) DO NOTHING`,
    [
      uuidv7(),
      entry.type,
      entry.at ?? null,
      entry.userId ?? null,
      entry.actorId ?? null,
      entry.ip ?? null,
      JSON.stringify(entry.details ?? {}),
      entry.sourceEventId ?? null,
    ],
  );
}

/**
 * Erasure keeps the security history but not the member's id: their entries (as subject or actor)
 * move to a random pseudonym, still linked to each other, no longer to the member.
 */
export async function pseudonymiseAudit(q: Queryable, userId: string): Promise<string> {
  const pseudonym = randomUUID();
  await q.query('UPDATE audit_log SET user_id = $2 WHERE user_id = $1', [userId, pseudonym]);
  await q.query('UPDATE audit_log SET actor_id = $2 WHERE actor_id = $1', [userId, pseudonym]);
  return pseudonym;
}

interface AuditRow {
  id: string;
  type: string;
  at: Date;
  user_id: string | null;
  actor_id: string | null;
  ip: string | null;
  details: Record<string, string>;
  [key: string]: unknown;
}

export interface AuditFilter {
  userId?: string | undefined;
  type?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Newest first, filtered by account (as subject or actor), type and time range `[from, to)`. */
export async function listAudit(db: Queryable, filter: AuditFilter) {
  const [at, id] = filter.cursor ? decodeCursor(filter.cursor, 2) : [];
  const rows = await db.query<AuditRow>(
    `SELECT id, type, at, user_id, actor_id, ip, details FROM audit_log
     WHERE ($1::uuid IS NULL OR user_id = $1::uuid OR actor_id = $1::uuid)
       AND ($2::text IS NULL OR type = $2::text)
       AND ($3::timestamptz IS NULL OR at >= $3::timestamptz)
       AND ($4::timestamptz IS NULL OR at < $4::timestamptz)
       AND ($5::timestamptz IS NULL OR (at, id) < ($5::timestamptz, $6::uuid))
     ORDER BY at DESC, id DESC LIMIT $7`,
    [
      filter.userId ?? null,
      filter.type ?? null,
      filter.from ?? null,
      filter.to ?? null,
      at ?? null,
      id ?? null,
      filter.limit + 1,
    ],
  );
  const entries: Static<typeof AuditEntry>[] = rows.map((r) => ({
    id: r.id,
    type: r.type,
    at: new Date(r.at).toISOString(),
    userId: r.user_id,
    actorId: r.actor_id,
    ip: r.ip,
    details: r.details,
  }));
  return toPage(entries, filter.limit, (last) => [last.at, last.id]);
}
