import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { AppError } from './errors.ts';

const rejects = (cursor: string, arity: number) => {
  try {
    decodeCursor(cursor, arity);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 400, code: 'INVALID_CURSOR' });
    return;
  }
  throw new Error(`cursor ${JSON.stringify(cursor)} was accepted`);
};

describe('cursors', () => {
  it('give back the sort values they were made from', () => {
    const values = ['2026-01-31T10:00:00.000Z', '01970a6e-8c5f-7000-8000-000000000001'];
    expect(decodeCursor(encodeCursor(values), 2)).toEqual(values);
    expect(decodeCursor(encodeCursor([42, 'ünïcödé / + =']), 2)).toEqual([42, 'ünïcödé / + =']);
  });

  it('are safe to put in a URL query without escaping', () => {
    const cursor = encodeCursor(['a/b+c=d?', 1.5]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('reject a tampered cursor with 400 INVALID_CURSOR', () => {
    const cursor = encodeCursor(['2026-01-31T10:00:00.000Z', 'abc']);
    rejects(cursor.slice(0, -3), 2);
    rejects(`x${cursor}`, 2);
    rejects(Buffer.from('["a",{"$gt":""}]').toString('base64url'), 2);
  });

  it('reject garbage and cursors of another list shape', () => {
    rejects('not a cursor at all', 2);
    rejects('', 1);
    rejects(Buffer.from('{"a":1}').toString('base64url'), 1);
    rejects(Buffer.from('null').toString('base64url'), 1);
    rejects(encodeCursor(['a', 'b', 'c']), 2);
  });
});
