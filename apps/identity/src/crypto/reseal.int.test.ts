import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { DataKeyring, dataKeyId, SealedValues } from '@nxg/platform';
import { describe, expect, it } from 'vitest';
import { migratedIdentityDatabase } from '../identity-database.test-support.ts';
import { resealBatch, sealProgress } from './reseal.ts';
import { boundTo, SealPurposes } from './sealed-columns.ts';

const db = await migratedIdentityDatabase();

/** As the first release sealed: the raw data key, bound to nothing. */
function sealV1(key: Buffer, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return ['v1', dataKeyId(key), iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

async function addUser(health: string, figures: string) {
  const id = randomUUID();
  await db.query(
    `INSERT INTO users (id, email, username, password_hash, name, health_sealed) VALUES ($1, $2, $3, 'x', 'n', $4)`,
    [id, `${id}@x.test`, id, health],
  );
  const measurementId = randomUUID();
  await db.query(
    `INSERT INTO body_measurements (id, user_id, measured_at, source, sealed) VALUES ($1, $2, now(), 'manual', $3)`,
    [measurementId, id, figures],
  );
  return { id, measurementId };
}

describe('re-sealing under a new data key', () => {
  it('moves old-format and old-key values to the current key in batches, reporting progress', async () => {
    const oldKey = randomBytes(32);
    const oldFields = new SealedValues(new DataKeyring(oldKey), SealPurposes.fields);
    const legacy = await addUser(
      sealV1(oldKey, { healthConditions: ['asthma'] }),
      sealV1(oldKey, { weightKg: 70 }),
    );
    const bound: { id: string; measurementId: string; i: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const id = randomUUID();
      const measurementId = randomUUID();
      await db.query(
        `INSERT INTO users (id, email, username, password_hash, name, health_sealed) VALUES ($1, $2, $3, 'x', 'n', $4)`,
        [id, `${id}@x.test`, id, oldFields.seal({ healthConditions: [`c${i}`] }, boundTo.userHealth(id))],
      );
      await db.query(
        `INSERT INTO body_measurements (id, user_id, measured_at, source, sealed) VALUES ($1, $2, now(), 'manual', $3)`,
        [measurementId, id, oldFields.seal({ weightKg: 60 + i }, boundTo.bodyFigures(measurementId))],
      );
      bound.push({ id, measurementId, i });
    }

    const newKey = randomBytes(32);
    const rotated = new DataKeyring(newKey, [oldKey]);
    const before = await sealProgress(db, rotated.currentId);
    expect(before).toMatchObject({ total: 12, done: 0 });
    expect(before.byKey).toEqual({ [`v1.${dataKeyId(oldKey)}`]: 2, [`v2.${dataKeyId(oldKey)}`]: 10 });

    expect(await resealBatch(db, rotated, 4)).toBe(8); // 4 per table
    expect((await sealProgress(db, rotated.currentId)).done).toBe(8);
    while ((await resealBatch(db, rotated, 4)) > 0);
    expect(await sealProgress(db, rotated.currentId)).toMatchObject({ total: 12, done: 12 });

    // The old key can go: everything opens with the new one alone, bound to its own row.
    const onlyNew = new SealedValues(new DataKeyring(newKey), SealPurposes.fields);
    const health = async (id: string) =>
      (await db.query<{ health_sealed: string }>('SELECT health_sealed FROM users WHERE id = $1', [id]))[0]!
        .health_sealed;
    const figures = async (id: string) =>
      (await db.query<{ sealed: string }>('SELECT sealed FROM body_measurements WHERE id = $1', [id]))[0]!
        .sealed;
    expect(onlyNew.open(await health(legacy.id), boundTo.userHealth(legacy.id))).toEqual({
      healthConditions: ['asthma'],
    });
    expect(
      onlyNew.open(await figures(legacy.measurementId), boundTo.bodyFigures(legacy.measurementId)),
    ).toEqual({ weightKg: 70 });
    for (const { id, measurementId, i } of bound) {
      expect(onlyNew.open(await health(id), boundTo.userHealth(id))).toEqual({ healthConditions: [`c${i}`] });
      expect(onlyNew.open(await figures(measurementId), boundTo.bodyFigures(measurementId))).toEqual({
        weightKg: 60 + i,
      });
    }
    // A value copied onto another member's row does not open there.
    const copied = await health(bound[0]!.id);
    expect(() => onlyNew.open(copied, boundTo.userHealth(bound[1]!.id))).toThrow();
  });
});
