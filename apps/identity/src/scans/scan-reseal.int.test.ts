import { randomBytes, randomUUID } from 'node:crypto';
import { DataKeyring, SealedValues } from '@nxg/platform';
import { describe, expect, it } from 'vitest';
import { migratedIdentityDatabase } from '../identity-database.test-support.ts';
import { resealBatch, sealProgress } from '../crypto/reseal.ts';
import { boundTo, SealPurposes } from '../crypto/sealed-columns.ts';

const db = await migratedIdentityDatabase();

describe('scans under a data-key rotation', () => {
  it('re-seals the figures of scans with the rest, bound to their scan', async () => {
    const oldKey = randomBytes(32);
    const old = new SealedValues(new DataKeyring(oldKey), SealPurposes.fields);
    const userId = randomUUID();
    await db.query(
      `INSERT INTO users (id, email, username, password_hash, name) VALUES ($1, $2, $3, 'x', 'n')`,
      [userId, `${userId}@x.test`, userId],
    );
    const scanIds: string[] = [randomUUID(), randomUUID()];
    for (const [i, id] of scanIds.entries()) {
      await db.query(
        `INSERT INTO scans (id, user_id, uploaded_by, kind, file_name, source_key, content_type, size_bytes,
           input_sealed, result_sealed, status, stage)
         VALUES ($1, $2, $2, 'inbody', 'x.csv', $3, 'text/csv', 10, $4, $5, 'processing', 'avatar')`,
        [
          id,
          userId,
          `scans/uploads/${id}`,
          old.seal({ figures: { weightKg: 70 + i } }, boundTo.scanInput(id)),
          old.seal({ weightKg: 71 + i }, boundTo.scanResult(id)),
        ],
      );
    }
    const newKey = randomBytes(32);
    const rotated = new DataKeyring(newKey, [oldKey]);
    expect(await sealProgress(db, rotated.currentId)).toMatchObject({ total: 4, done: 0 });
    while ((await resealBatch(db, rotated, 10)) > 0);
    expect(await sealProgress(db, rotated.currentId)).toMatchObject({ total: 4, done: 4 });

    const onlyNew = new SealedValues(new DataKeyring(newKey), SealPurposes.fields);
    const rows = await db.query<{ id: string; input_sealed: string; result_sealed: string }>(
      'SELECT id, input_sealed, result_sealed FROM scans WHERE id = ANY($1::uuid[]) ORDER BY id',
      [scanIds],
    );
    for (const row of rows) {
      const i = scanIds.indexOf(row.id);
      expect(onlyNew.open(row.input_sealed, boundTo.scanInput(row.id))).toEqual({
        figures: { weightKg: 70 + i },
      });
      expect(onlyNew.open(row.result_sealed, boundTo.scanResult(row.id))).toEqual({ weightKg: 71 + i });
      // Another scan's figures copied here do not open.
      const other = scanIds.find((id) => id !== row.id)!;
      expect(() => onlyNew.open(row.result_sealed, boundTo.scanResult(other))).toThrow();
    }
  });
});
