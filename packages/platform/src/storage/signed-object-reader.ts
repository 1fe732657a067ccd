import type { Readable } from 'node:stream';
import { ObjectNotFoundError, type ObjectInfo, type ObjectStore } from './object-store.ts';
import { verifySignedObjectUrl } from './signed-url.ts';

export type SignedObjectRead =
  | { ok: true; info: ObjectInfo; body: Readable }
  | { ok: false; status: 403 | 404; reason: 'malformed' | 'expired' | 'bad-signature' | 'not-found' };

/**
 * What the gateway mounts at `GET /v1/objects/*` for the local store: checks the signed URL a
 * service handed out, then streams the object. Refusals say why, for the log; the client gets the
 * status only.
 */
export async function openSignedObject(
  store: ObjectStore,
  secret: string,
  pathAndQuery: string,
  now = Date.now(),
): Promise<SignedObjectRead> {
  const check = verifySignedObjectUrl(secret, pathAndQuery, now);
  if (!check.ok) return { ok: false, status: 403, reason: check.reason };
  try {
    return { ok: true, ...(await store.get(check.key)) };
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return { ok: false, status: 404, reason: 'not-found' };
    throw error;
  }
}
