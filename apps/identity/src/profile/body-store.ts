import type { BodyComposition } from '@nxg/contracts';
import { decodeCursor, toPage, type Queryable } from '@nxg/platform';
import type { SealedValues } from '@nxg/platform';
import { boundTo } from '../crypto/sealed-columns.ts';

interface MeasurementRow {
  id: string;
  measured_at: Date;
  source: string;
  sealed: string;
  [key: string]: unknown;
}

type Figures = Omit<BodyComposition, 'id' | 'measuredAt' | 'source'>;

const toMeasurement = (row: MeasurementRow, cipher: SealedValues): BodyComposition => ({
  id: row.id,
  measuredAt: new Date(row.measured_at).toISOString(),
  source: row.source,
  ...cipher.open<Figures>(row.sealed, boundTo.bodyFigures(row.id)),
});

/** Body-composition history; the figures are health data and are stored sealed. */
export class BodyStore {
  private readonly cipher: SealedValues;

  constructor(cipher: SealedValues) {
    this.cipher = cipher;
  }

  async insert(
    tx: Queryable,
    entry: { id: string; userId: string; measuredAt: string; source: string; figures: Figures },
  ): Promise<BodyComposition> {
    const [row] = await tx.query<MeasurementRow>(
      `INSERT INTO body_measurements (id, user_id, measured_at, source, sealed) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [
        entry.id,
        entry.userId,
        entry.measuredAt,
        entry.source,
        this.cipher.seal(entry.figures, boundTo.bodyFigures(entry.id)),
      ],
    );
    return toMeasurement(row!, this.cipher);
  }

  /** Newest first, keyset-paginated on (measured_at, id). */
  async page(
    db: Queryable,
    userId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<{ items: BodyComposition[]; nextCursor: string | null }> {
    const [at, id] = cursor ? decodeCursor(cursor, 2) : [];
    const rows = await db.query<MeasurementRow>(
      `SELECT * FROM body_measurements WHERE user_id = $1
         AND ($2::timestamptz IS NULL OR (measured_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY measured_at DESC, id DESC LIMIT $4`,
      [userId, at ?? null, id ?? null, limit + 1],
    );
    return toPage(
      rows.map((r) => toMeasurement(r, this.cipher)),
      limit,
      (last) => [last.measuredAt, last.id],
    );
  }

  /** Oldest first, measured in [from, to), at most `limit`. */
  async between(
    db: Queryable,
    userId: string,
    from: string,
    to: string,
    limit = 1000,
  ): Promise<BodyComposition[]> {
    const rows = await db.query<MeasurementRow>(
      `SELECT * FROM body_measurements WHERE user_id = $1 AND measured_at >= $2 AND measured_at < $3
       ORDER BY measured_at, id LIMIT $4`,
      [userId, from, to, limit],
    );
    return rows.map((r) => toMeasurement(r, this.cipher));
  }

  async all(db: Queryable, userId: string): Promise<BodyComposition[]> {
    const rows = await db.query<MeasurementRow>(
      'SELECT * FROM body_measurements WHERE user_id = $1 ORDER BY measured_at DESC, id DESC',
      [userId],
    );
    return rows.map((r) => toMeasurement(r, this.cipher));
  }
}
