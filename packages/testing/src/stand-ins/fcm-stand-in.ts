import { randomBytes } from 'node:crypto';
import { startStandIn, type StandIn } from './stand-in-server.ts';

// Firebase Cloud Messaging HTTP v1 (POST /v1/projects/{project}/messages:send), answering as FCM
// does: `{ name: "projects/<p>/messages/<id>" }`, or `{ error: { code, message, status, details:
// [{ "@type": "…FcmError", errorCode }] } }` for UNREGISTERED, INVALID_ARGUMENT, QUOTA_EXCEEDED,
// UNAVAILABLE and INTERNAL.
//
// Reaching it with the real firebase-admin client (its FCM host is fixed):
// - a custom `credential` whose `getAccessToken()` returns `accessToken` below (no Google token endpoint);
// - `httpAgent`: an http.Agent whose `protocol` is set to 'https:' (Node refuses an agent of another
//   protocol for an https URL) and whose `createConnection` opens a plain TCP socket to this
//   stand-in's port, whatever host the URL names;
// - `messaging.send()` always uses firebase-admin's HTTP/1.1 client, which honours `httpAgent`;
//   `sendEach()` uses HTTP/2 (which ignores it) unless `messaging.enableLegacyHttpTransport()`.
// apps/notification/src/delivery/fcm-transport.ts does exactly this when FCM_STAND_IN_URL is set.
// firebase-admin itself retries a 503 up to 4 times (honouring Retry-After up to 60 s) before the
// service sees it; a 500 or 429 reaches the service at once.

/** A message FCM accepted, as the device would get it. */
export interface FcmDelivered {
  messageId: string;
  token: string;
  title: string | undefined;
  body: string | undefined;
  data: Record<string, string>;
  /** Android collapse key, APNs collapse id: what makes a resend replace the first. */
  collapseKey: string | undefined;
  at: number;
}

export interface FcmFault {
  /** 503 UNAVAILABLE (default), 500 INTERNAL, or 429 QUOTA_EXCEEDED. */
  status?: 503 | 500 | 429;
  /** Retry-After in seconds, when given. */
  retryAfterS?: number;
  /** Answer this many sends so, then work again (default: until `heal`). */
  times?: number;
}

export interface FcmStandIn extends StandIn {
  readonly projectId: string;
  /** The only bearer token it accepts. */
  readonly accessToken: string;
  /** Sends to this token answer 404 UNREGISTERED from now on (the app was uninstalled). */
  unregister(token: string): void;
  /** Sends to this token answer 400 INVALID_ARGUMENT ("not a valid FCM registration token"). */
  rejectAsInvalid(token: string): void;
  /** FCM failing for everyone. */
  fail(fault?: FcmFault): void;
  /** Hold each answer this long (FCM stalled), `times` sends or until `heal`. */
  stall(ms: number, times?: number): void;
  heal(): void;
  /** Messages accepted, oldest first; `token` narrows to one device. */
  delivered(token?: string): FcmDelivered[];
}

type FcmErrorStatus = 'UNREGISTERED' | 'INVALID_ARGUMENT' | 'QUOTA_EXCEEDED' | 'UNAVAILABLE' | 'INTERNAL';

const fcmError = (code: number, status: FcmErrorStatus, message: string) => ({
  error: {
    code,
    message,
    status:
      status === 'UNREGISTERED' ? 'NOT_FOUND' : status === 'QUOTA_EXCEEDED' ? 'RESOURCE_EXHAUSTED' : status,
    details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: status }],
  },
});

interface SendBody {
  message?: {
    token?: string;
    notification?: { title?: string; body?: string };
    data?: Record<string, string>;
    android?: { collapse_key?: string; collapseKey?: string };
    apns?: { headers?: Record<string, string> };
  };
}

export async function startFcmStandIn(
  options: { projectId?: string; accessToken?: string } = {},
): Promise<FcmStandIn> {
  const projectId = options.projectId ?? 'nxg-test';
  // The notification service's FCM_STAND_IN_URL mode sends this one (a stand-in's token is no secret).
  const accessToken = options.accessToken ?? 'nxg-fcm-stand-in';
  const unregistered = new Set<string>();
  const invalid = new Set<string>();
  let fault: (FcmFault & { remaining: number }) | undefined;
  let stall: { ms: number; remaining: number } | undefined;
  let delivered: FcmDelivered[] = [];
  const sleeping = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = { timer: setTimeout(() => (sleeping.delete(entry), resolve()), ms), resolve };
      sleeping.add(entry);
    });

  const base = await startStandIn({
    auth: { kind: 'bearer', token: accessToken },
    rateLimit: { limit: 1_000_000, windowS: 60 },
    routes(app) {
      app.post<{ Params: { project: string } }>(
        '/v1/projects/:project/messages::send',
        async (request, reply) => {
          if (stall && stall.remaining-- > 0) await sleep(stall.ms);
          if (request.params.project !== projectId)
            return reply.status(403).send(fcmError(403, 'INVALID_ARGUMENT', 'SenderId mismatch'));
          if (fault && fault.remaining-- > 0) {
            const status = fault.status ?? 503;
            if (fault.retryAfterS !== undefined) void reply.header('retry-after', String(fault.retryAfterS));
            const kind = status === 429 ? 'QUOTA_EXCEEDED' : status === 500 ? 'INTERNAL' : 'UNAVAILABLE';
            return reply.status(status).send(fcmError(status, kind, 'The service is currently unavailable.'));
          }
          const message = (request.body as SendBody | undefined)?.message;
          const token = message?.token;
          if (!token)
            return reply
              .status(400)
              .send(fcmError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'));
          if (invalid.has(token))
            return reply
              .status(400)
              .send(
                fcmError(
                  400,
                  'INVALID_ARGUMENT',
                  'The registration token is not a valid FCM registration token',
                ),
              );
          if (unregistered.has(token))
            return reply.status(404).send(fcmError(404, 'UNREGISTERED', 'Requested entity was not found.'));
          const messageId = `0:${Date.now()}%${randomBytes(8).toString('hex')}`;
          delivered.push({
            messageId,
            token,
            title: message.notification?.title,
            body: message.notification?.body,
            data: message.data ?? {},
            collapseKey: message.android?.collapse_key ?? message.android?.collapseKey,
            at: Date.now(),
          });
          return { name: `projects/${projectId}/messages/${messageId}` };
        },
      );
    },
  });

  return {
    ...base,
    projectId,
    accessToken,
    unregister: (token) => void unregistered.add(token),
    rejectAsInvalid: (token) => void invalid.add(token),
    fail(next = {}) {
      fault = { ...next, remaining: next.times ?? Number.POSITIVE_INFINITY };
    },
    stall(ms, times) {
      stall = { ms, remaining: times ?? Number.POSITIVE_INFINITY };
    },
    heal() {
      fault = undefined;
      stall = undefined;
    },
    delivered: (token) => delivered.filter((d) => token === undefined || d.token === token),
    reset() {
      base.reset();
      unregistered.clear();
      invalid.clear();
      fault = undefined;
      stall = undefined;
      delivered = [];
    },
    async close() {
      for (const entry of sleeping) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      await base.close();
    },
  };
}
