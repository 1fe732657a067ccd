import { CommonErrorCodes } from '@nxg/contracts';
import { AppError } from './errors.ts';

/** Opaque keyset cursors: the sort values of the last item, base64url-encoded. */
export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => ['string', 'number'].includes(typeof v))
    ) {
      return values as (string | number)[];
    }
  } catch {
    // fall through to the 400 below
  }
  throw new AppError(400, CommonErrorCodes.INVALID_CURSOR, 'The cursor is not one this list gave out');
}

/**
 * `{ items, nextCursor }` from a query that asked for `limit + 1` rows: the extra row only says
 * there is a next page, whose cursor is the sort key of the last item shown.
 */
export function toPage<T>(
  rows: T[],
  limit: number,
  sortKey: (last: T) => (string | number)[],
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(sortKey(last)) : null };
}
