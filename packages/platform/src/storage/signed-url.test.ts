import { describe, expect, it } from 'vitest';
import { signObjectUrl, verifySignedObjectUrl } from './signed-url.ts';

const secret = 'a-secret-of-at-least-32-characters!!';
const now = Date.parse('2026-03-01T12:00:00Z');
const sign = (key: string, ttlS = 300) =>
  signObjectUrl({ baseUrl: 'https://api.example/', secret }, key, ttlS, now);
const pathOf = (url: string) => url.slice('https://api.example'.length);

describe('signed object URLs (local store)', () => {
  it('points at the gateway and verifies to the key until it expires', () => {
    const url = sign('nutrition/meals/a b.jpg');
    expect(url).toMatch(
      /^https:\/\/api\.example\/v1\/objects\/nutrition\/meals\/a%20b\.jpg\?expires=\d+&signature=/,
    );
    expect(verifySignedObjectUrl(secret, pathOf(url), now + 299_000)).toEqual({
      ok: true,
      key: 'nutrition/meals/a b.jpg',
    });
    expect(verifySignedObjectUrl(secret, pathOf(url), now + 300_000)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses another secret, another key, a moved expiry or a missing signature', () => {
    const url = pathOf(sign('nutrition/meals/1.jpg'));
    expect(verifySignedObjectUrl('another-secret-of-32-characters!!!!', url, now).ok).toBe(false);
    expect(verifySignedObjectUrl(secret, url.replace('1.jpg', '2.jpg'), now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const later = url.replace(/expires=(\d+)/, (_, e: string) => `expires=${Number(e) + 3600}`);
    expect(verifySignedObjectUrl(secret, later, now)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifySignedObjectUrl(secret, url.replace(/&signature=.*/, ''), now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifySignedObjectUrl(secret, '/v1/other/x?expires=1&signature=x', now).ok).toBe(false);
  });
});
