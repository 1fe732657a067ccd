import websocket from '@fastify/websocket';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { liveSubjects, MachineCloseCodes } from '@nxg/contracts';
import { messageSender, type Caller, type RevocationWatch, type TokenVerifier } from '@nxg/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { MemberSockets } from './member-sockets.ts';

/** A socket whose client stopped reading gets no more than this buffered; newer messages are dropped. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const RECHECK_MS = 5000;

// No `?access_token=`: a token in the URL ends up in proxies' access logs.
const LiveQuery = Type.Object(
  {
    /** Staff: also follow this branch's machine status. */
    branchId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

/** The access token from `Sec-WebSocket-Protocol: bearer, <token>` (browsers cannot set headers on a WebSocket). */
function tokenOf(request: FastifyRequest): string | undefined {
  const protocols = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  if (protocols[0]?.toLowerCase() === 'bearer' && protocols[1]) return protocols[1];
  return undefined;
}

const followsBranch = (caller: Caller, branchId: string) =>
  caller.roles.includes('platform_admin') || caller.branchRoles[branchId] !== undefined;

/**
 * `GET /v1/live`: the member's own live events (linked, unlinked, telemetry, sets) relayed from
 * NATS, whichever gateway and hub replicas are involved; staff may add one branch's machine status.
 * Closed with 4401 when the token is missing, expires or is revoked, 4403 for a wrong role, 4431
 * when the member already holds `socketsPerMember` live sockets on this replica.
 */
export async function liveFeedPlugin(
  app: FastifyInstance,
  options: {
    nc: NatsConnection;
    verifier: TokenVerifier;
    revocations: RevocationWatch;
    socketsPerMember: number;
  },
): Promise<void> {
  const { nc, verifier, revocations } = options;
  const sockets = new MemberSockets(options.socketsPerMember);
  app.kit.metrics.gauge(
    'nxg_gateway_live_sockets',
    'Members’ live feeds open on this replica',
    () => sockets.total,
  );
  await app.register(websocket, {
    options: {
      maxPayload: 4096, // members only listen
      handleProtocols: (protocols) => (protocols.has('bearer') ? 'bearer' : false),
    },
  });

  app.get<{ Querystring: { branchId?: string } }>(
    '/v1/live',
    { websocket: true, schema: { querystring: LiveQuery, hide: true } as object },
    (socket, request) => {
      const subscriptions: Subscription[] = [];
      let recheck: NodeJS.Timeout | undefined;
      let counted: string | undefined;
      const close = (code: number, reason: string) => socket.close(code, reason);
      socket.on('close', () => {
        clearInterval(recheck);
        for (const s of subscriptions) s.unsubscribe();
        if (counted) sockets.closed(counted);
      });
      void (async () => {
        let caller: Caller;
        try {
          caller = await verifier.authenticateToken(tokenOf(request) ?? '');
        } catch {
          close(MachineCloseCodes.UNAUTHORIZED, 'a valid access token is required');
          return;
        }
        if (!caller.roles.includes('member')) return close(MachineCloseCodes.FORBIDDEN, 'members only');
        if (socket.readyState !== socket.OPEN) return;
        if (!sockets.tryOpen(caller.userId))
          return close(
            MachineCloseCodes.TOO_MANY_SOCKETS,
            `at most ${sockets.max} live sockets per member; close another first`,
          );
        counted = caller.userId;
        const branchId = request.query.branchId;
        if (branchId && !followsBranch(caller, branchId))
          return close(MachineCloseCodes.FORBIDDEN, 'not staff of this branch');
        const relay = (subject: string) =>
          nc.subscribe(subject, {
            callback: (error, msg) => {
              if (error || socket.readyState !== socket.OPEN || socket.bufferedAmount > MAX_BUFFERED_BYTES)
                return;
              if (!messageSender(nc, msg)) return; // not from a platform service: a forgery
              socket.send(msg.string());
            },
          });
        if (socket.readyState !== socket.OPEN) return;
        subscriptions.push(relay(liveSubjects.user(caller.userId)));
        if (branchId) subscriptions.push(relay(liveSubjects.branch(branchId)));
        // The feed lives no longer than its token, nor past a logout.
        recheck = setInterval(() => {
          if (Date.now() / 1000 >= caller.token.expiresAt)
            close(MachineCloseCodes.UNAUTHORIZED, 'token expired');
          else if (
            revocations.isRevoked(caller.token.id, caller.token.sessionId, caller.userId, caller.issuedAtMs)
          )
            close(MachineCloseCodes.UNAUTHORIZED, 'token revoked');
        }, RECHECK_MS);
        recheck.unref();
        await nc.flush(); // subscribed before we say so
        socket.send(
          JSON.stringify({
            type: 'ready',
            at: new Date().toISOString(),
            data: { userId: caller.userId, branchId: branchId ?? null },
          }),
        );
      })();
    },
  );
}
