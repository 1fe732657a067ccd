import websocket from '@fastify/websocket';
import { MachineCloseCodes, FrameErrors } from '@nxg/contracts';
import type { TokenVerifier } from '@nxg/platform';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { HubDeps } from '../deps.ts';
import { generationOf } from '../registry/credential-revocations.ts';
import { WorkoutTotals } from '../linking/workout-totals.ts';
import { findMachine } from '../registry/machine-store.ts';
import type { ConnectionRegistry } from './connection-registry.ts';
import { frameHandler } from './frame-handlers.ts';
import { MachineConnection } from './machine-connection.ts';

/**
 * `GET /v1/machines/connect`: the machines' WebSocket. The upgrade is authenticated with a machine
 * token; a socket that fails it is closed with 4401 (no token, bad token, expired or revoked), 4403
 * (not a machine), 4412 (a token of a secret since rotated) or 4410 (unknown or decommissioned machine).
 */
export async function machineSocketPlugin(
  app: FastifyInstance,
  options: { deps: HubDeps; verifier: TokenVerifier; registry: ConnectionRegistry },
): Promise<void> {
  const { deps, verifier, registry } = options;
  const handle = frameHandler(deps);
  await app.register(websocket, { options: { maxPayload: deps.config.MAX_FRAME_BYTES } });

  app.get('/v1/machines/connect', { websocket: true }, (socket, request) => {
    // Nothing below keeps the upgrade request: 20,000 sockets held for days would otherwise each
    // keep its headers (the bearer token among them), IncomingMessage, ServerResponse and reply.
    const authorization = request.headers.authorization;
    releaseUpgradeRequest(socket, deps);
    // Frames may arrive before authentication finishes: hold them, in order.
    const early: string[] = [];
    let conn: MachineConnection | undefined;
    socket.on('message', (data, isBinary) => {
      const raw = isBinary ? '' : data.toString();
      if (!conn) {
        if (early.length < 32) early.push(raw);
        return;
      }
      accept(conn, raw);
    });

    const accept = (c: MachineConnection, raw: string) => {
      if (!c.take()) {
        c.error(FrameErrors.RATE_LIMITED, 'Too many frames; slow down and resend');
        if (c.refused > deps.config.FRAME_RATE_PER_S * 5)
          socket.close(MachineCloseCodes.FLOODING, 'flooding');
        return;
      }
      c.enqueue(() => handle(c, raw));
    };

    void (async () => {
      let caller;
      try {
        caller = await verifier.authenticate(authorization);
      } catch {
        socket.close(MachineCloseCodes.UNAUTHORIZED, 'a valid machine token is required');
        return;
      }
      if (!caller.roles.includes('machine')) {
        socket.close(MachineCloseCodes.FORBIDDEN, 'not a machine token');
        return;
      }
      const row = await findMachine(deps.db, caller.userId);
      if (!row || row.branch_id !== caller.machineBranchId || row.decommissioned_at) {
        socket.close(MachineCloseCodes.MACHINE_REMOVED, 'unknown machine');
        return;
      }
      // Checked here as well as in the revocation bucket, which a rotation writes after it commits.
      if (generationOf(caller.token.sessionId) !== row.secret_generation) {
        socket.close(MachineCloseCodes.CREDENTIALS_REVOKED, "a token of the machine's previous secret");
        return;
      }
      const c = new MachineConnection(
        row.id,
        row.branch_id,
        socket,
        caller.token,
        deps.config.FRAME_RATE_PER_S,
        row.recent_frame_ids,
      );
      // A reconnect (to this replica or another, after a hub restart) carries on the workout's totals.
      if (row.link_id && row.link_user_id)
        c.link = {
          linkId: row.link_id,
          userId: row.link_user_id,
          displayName: row.link_display_name ?? 'Member',
          totals: registry.carriedTotals(row.id, row.link_id) ?? new WorkoutTotals(row.link_workout),
        };
      socket.once(
        'close',
        () => void registry.remove(c).catch((err) => deps.logger.error({ err }, 'disconnect failed')),
      );
      await registry.add(c);
      if (socket.readyState !== socket.OPEN) {
        await registry.remove(c); // it went away while we were checking it
        return;
      }
      conn = c;
      for (const raw of early.splice(0)) accept(c, raw);
    })().catch((err) => {
      deps.logger.error({ err }, 'machine connection failed');
      socket.close(1011, 'internal error');
    });
  });
}

/**
 * @fastify/websocket's own 'error' listener on an open socket closes over the upgrade's request
 * and reply for the socket's whole life (~4 KB each). This one does what its default does (log,
 * then terminate) without them.
 */
function releaseUpgradeRequest(socket: WebSocket, deps: HubDeps): void {
  socket.removeAllListeners('error');
  socket.on('error', (err) => {
    deps.logger.error({ err }, 'machine socket error');
    socket.terminate();
  });
}
