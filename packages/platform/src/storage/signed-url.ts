import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed read URLs for the local store: `<base>/<key>?expires=<epoch s>&signature=<hmac>`, the
 * HMAC-SHA256 of the key and expiry under a secret only the platform knows. The gateway serves
 * them by mounting `verifySignedObjectUrl` in front of the local store's `get`.
 */
export const signedObjectPath = '/v1/objects';

const mac = (secret: string, key: string, expires: number) =>
  createHmac('sha256', secret).update(`GET\n${key}\n${expires}`).digest('base64url');

const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');

export function signObjectUrl(
  options: { baseUrl: string; secret: string },
  key: string,
  expiresInS: number,
  now = Date.now(),
): string {
  const expires = Math.floor(now / 1000) + expiresInS;
  const base = options.baseUrl.replace(/\/+$/, '');
  return `${base}${signedObjectPath}/${encodeKey(key)}?expires=${expires}&signature=${mac(options.secret, key, expires)}`;
}

export type SignedUrlCheck =
  { ok: true; key: string } | { ok: false; reason: 'malformed' | 'expired' | 'bad-signature' };

/**
 * Checks a signed URL's path and query (as a request carries them: `/v1/objects/<key>?expires=…`).
 * Answers the object key when the signature is right and the link has not expired.
 */
export function verifySignedObjectUrl(
  secret: string,
  pathAndQuery: string,
  now = Date.now(),
): SignedUrlCheck {
  let url: URL;
  try {
    url = new URL(pathAndQuery, 'http://local');
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!url.pathname.startsWith(`${signedObjectPath}/`)) return { ok: false, reason: 'malformed' };
  let key: string;
  try {
    key = url.pathname
      .slice(signedObjectPath.length + 1)
      .split('/')
      .map(decodeURIComponent)
      .join('/');
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const expires = Number(url.searchParams.get('expires'));
  const signature = url.searchParams.get('signature') ?? '';
  if (!key || !Number.isSafeInteger(expires) || !signature) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, key, expires));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'bad-signature' };
  if (expires * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, key };
}
