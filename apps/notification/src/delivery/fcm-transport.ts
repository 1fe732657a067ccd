import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { cert, deleteApp, initializeApp, type App, type Credential } from 'firebase-admin/app';
import { getMessaging, type Message } from 'firebase-admin/messaging';
import type { PushMessage, PushOutcome, PushTransport } from './push-transport.ts';

export type FcmTarget =
  | { kind: 'google'; projectId: string; serviceAccount: object }
  | { kind: 'stand-in'; projectId: string; url: string };

/** The bearer token a local FCM stand-in accepts (packages/testing's, by default): not a secret. */
export const STAND_IN_ACCESS_TOKEN = 'nxg-fcm-stand-in';

/**
 * FCM's host is fixed inside firebase-admin (https://fcm.googleapis.com). To reach a local stand-in
 * through the real client: firebase-admin's legacy HTTP/1.1 transport takes an `httpAgent`; this
 * agent says it speaks `https:` (so Node accepts it for an https URL) but opens a plain TCP
 * connection to the stand-in, whatever host the URL names. The request itself — path, headers,
 * bearer token, JSON body — is exactly what FCM would receive.
 */
class StandInAgent extends Agent {
  private readonly host: string;
  private readonly port: number;
  constructor(host: string, port: number) {
    super({ keepAlive: true });
    this.host = host;
    this.port = port;
    (this as unknown as { protocol: string }).protocol = 'https:';
  }
  override createConnection(): Socket {
    return connect(this.port, this.host);
  }
}

/** An access token that never changes: the stand-in accepts it, and nothing calls Google's token endpoint. */
const fixedToken = (accessToken: string): Credential => ({
  getAccessToken: async () => ({ access_token: accessToken, expires_in: 3600 }),
});

/** FCM error codes (firebase-admin's `messaging/…`) that say the token will never work again. */
const deadTokenCodes = new Set([
  'messaging/registration-token-not-registered',
  'messaging/invalid-registration-token',
  'messaging/installation-id-not-registered',
]);
/** Failures that may pass: FCM overloaded, rate limiting, down, or unreachable. */
const transientCodes = new Set([
  'messaging/message-rate-exceeded',
  'messaging/device-message-rate-exceeded',
  'messaging/server-unavailable',
  'messaging/internal-error',
  'messaging/unknown-error',
  'messaging/third-party-auth-error',
  'messaging/authentication-error',
  'app/network-error',
  'app/network-timeout',
  'app/invalid-credential',
]);

/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(String(value));
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** firebase-admin's error as an outcome. */
export function classifyFcmError(error: unknown): PushOutcome {
  const e = error as {
    code?: string;
    message?: string;
    httpResponse?: { status?: number; headers?: Record<string, unknown> };
  };
  const code = e.code ?? 'unknown';
  const reason = `${code}${e.httpResponse?.status ? ` (${e.httpResponse.status})` : ''}`;
  if (deadTokenCodes.has(code)) return { kind: 'dead-token', reason };
  // FCM answers INVALID_ARGUMENT both for a malformed token and for a bad message; only the first kills the token.
  if (code === 'messaging/invalid-argument' && /registration token/i.test(e.message ?? ''))
    return { kind: 'dead-token', reason };
  if (transientCodes.has(code) || (e.httpResponse?.status ?? 0) >= 500) {
    const after = retryAfterMs(e.httpResponse?.headers?.['retry-after']);
    return { kind: 'retry', reason, ...(after !== undefined ? { retryAfterMs: after } : {}) };
  }
  return { kind: 'refused', reason };
}

/** The FCM HTTP v1 message for one device: notification, string data, and a collapse key per platform. */
export function fcmMessage(push: PushMessage): Message {
  return {
    token: push.token,
    notification: { title: push.title, body: push.body },
    data: { ...push.data, notificationId: push.notificationId },
    android: { collapseKey: push.notificationId, priority: 'high' },
    apns: { headers: { 'apns-collapse-id': push.notificationId.slice(0, 64) } },
    webpush: { headers: { Topic: push.notificationId.replaceAll('-', '').slice(0, 32) } },
  };
}

/** Pushes through firebase-admin (FCM HTTP v1), to Google or to a local stand-in. */
export function fcmTransport(target: FcmTarget): PushTransport {
  let agent: StandInAgent | undefined;
  let app: App;
  // A name of its own: several services (tests) may live in one process.
  const name = `notification-${randomUUID()}`;
  if (target.kind === 'stand-in') {
    const url = new URL(target.url);
    agent = new StandInAgent(url.hostname, Number(url.port || 80));
    app = initializeApp(
      { projectId: target.projectId, credential: fixedToken(STAND_IN_ACCESS_TOKEN), httpAgent: agent },
      name,
    );
  } else {
    app = initializeApp(
      { projectId: target.projectId, credential: cert(target.serviceAccount as never) },
      name,
    );
  }
  const messaging = getMessaging(app);
  // send() goes over HTTP/1.1, which takes the agent above; sendEach() would use HTTP/2, which
  // ignores httpAgent, unless told to use the legacy transport: told, in case it is used one day.
  if (agent) messaging.enableLegacyHttpTransport();

  return {
    name: target.kind === 'stand-in' ? 'fcm-stand-in' : 'fcm',
    async send(push) {
      try {
        const messageId = await messaging.send(fcmMessage(push));
        return { kind: 'sent', messageId };
      } catch (error) {
        return classifyFcmError(error);
      }
    },
    async close() {
      await deleteApp(app);
      agent?.destroy();
    },
  };
}
