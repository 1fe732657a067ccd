import { FrameErrors, machineEvents, machineFrames, type MachineFrame } from '@nxg/contracts';
import { describeErrors, enqueueEvent, eventEnvelope, validatorFor } from '@nxg/platform';
import type { HubDeps } from '../deps.ts';
import { announceStatusChange, announceUnlink } from '../linking/link-notices.ts';
import { endLink } from '../linking/link-store.ts';
import { publishToStream } from '../live/stream-publish.ts';
import { announceStatus } from '../registry/machine-store.ts';
import type { MachineConnection } from './machine-connection.ts';

/** The branch's staff get a machine's figures at most this often. */
const BRANCH_FIGURES_EVERY_MS = 950;

type FrameOf<T extends MachineFrame['type']> = Extract<MachineFrame, { type: T }>;

/** An event caused by a machine frame is published once per frame, whoever relays it and however often. */
const frameMsgId = (conn: MachineConnection, frameId: string) => `${conn.machineId}:${frameId}`;

/**
 * Everything a machine says, frame by frame: checked, deduplicated by id, acted on once, acknowledged.
 * A frame that cannot be handled gets an `error` frame naming it, never a crash.
 */
export function frameHandler(deps: HubDeps) {
  const { db, live, logger, staleAfterMs, nc } = deps;
  const encoder = new TextEncoder();

  const frameAt = (frame: { ts: string | number }) => new Date(frame.ts).toISOString();

  /** Runs `work` at most once per (machine, frame id), atomically with its effect, for days. */
  const once = <T>(
    conn: MachineConnection,
    frameId: string,
    work: Parameters<typeof db.transaction<T | undefined>>[0],
  ) =>
    db.transaction(async (tx) => {
      const first = await tx.query(
        'INSERT INTO processed_frames (machine_id, frame_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING frame_id',
        [conn.machineId, frameId],
      );
      return first.length ? work(tx) : undefined;
    });

  const handlers: {
    [T in MachineFrame['type']]: (conn: MachineConnection, frame: FrameOf<T>) => Promise<void>;
  } = {
    async hello(conn, frame) {
      conn.helloed = true;
      await db.query('UPDATE machines SET firmware = $2 WHERE id = $1', [conn.machineId, frame.firmware]);
      conn.send('welcome', {
        machineId: conn.machineId,
        heartbeatIntervalS: deps.config.HEARTBEAT_INTERVAL_S,
        serverTime: new Date().toISOString(),
      });
      // A machine that rebooted mid-workout learns who is still linked.
      if (conn.link)
        conn.send('linked', { linkId: conn.link.linkId, member: { displayName: conn.link.displayName } });
      conn.ack(frame.id);
    },

    async heartbeat(conn, frame) {
      conn.ack(frame.id);
      // The hub's clock, as lastSeenAt is: staff compare it with other machines'.
      live.toBranch(conn.branchId, 'machine.heartbeat', {
        machineId: conn.machineId,
        at: new Date().toISOString(),
      });
    },

    async status(conn, frame) {
      const changed = await db.transaction(async (tx) => {
        await tx.query('UPDATE machines SET reported_fault = $2 WHERE id = $1', [
          conn.machineId,
          frame.status === 'fault',
        ]);
        return announceStatus(tx, conn.machineId, staleAfterMs);
      });
      announceStatusChange(deps, conn.branchId, conn.machineId, changed);
      conn.ack(frame.id);
    },

    async 'qr.request'(conn, frame) {
      conn.ack(frame.id);
      conn.send('qr', deps.qr.issue(conn.machineId));
    },

    async telemetry(conn, frame) {
      const link = linkOf(conn, frame.linkId, frame.id);
      if (!link) return;
      const data = {
        machineId: conn.machineId,
        branchId: conn.branchId,
        linkId: link.linkId,
        userId: link.userId,
        frameId: frame.id,
        at: frameAt(frame),
        metrics: frame.metrics,
      };
      // Live first (what the member watches), then the durable event; the ack waits for both. A
      // resend of a frame pushed before its publish failed is not pushed again.
      const pushLive = !conn.wasPushedLive(frame.id);
      if (pushLive) live.toMember(link.userId, 'telemetry', data);
      // A front desk needs no more than one reading a second, however fast the machine sends.
      if (Date.now() - conn.figuresSentAt >= BRANCH_FIGURES_EVERY_MS) {
        conn.figuresSentAt = Date.now();
        const { speedKph, heartRate, powerW } = frame.metrics;
        live.toBranch(conn.branchId, 'machine.telemetry', {
          machineId: conn.machineId,
          linkId: link.linkId,
          at: data.at,
          metrics: { speedKph, heartRate, powerW },
        });
      }
      const envelope = eventEnvelope(db.service, {
        event: machineEvents.machineTelemetry,
        subject: conn.machineId,
        data,
      });
      const subject = machineEvents.telemetrySubject(conn.branchId, conn.machineId);
      const payload = encoder.encode(JSON.stringify(envelope));
      // Signed as the outbox relay signs, so consumers can tell it from a forgery.
      try {
        await publishToStream(
          nc,
          subject,
          payload,
          frameMsgId(conn, frame.id),
          deps.config.NATS_REQUEST_TIMEOUT_MS,
        );
      } catch (error) {
        if (pushLive) conn.pushedLiveNotStored(frame.id);
        throw error;
      }
      // Counted once published: a frame that failed is resent and counted then.
      link.totals.addSample(Date.parse(data.at), frame.metrics);
      conn.ack(frame.id);
    },

    async 'set.completed'(conn, frame) {
      const link = linkOf(conn, frame.linkId, frame.id);
      if (!link) return;
      const data = {
        machineId: conn.machineId,
        branchId: conn.branchId,
        linkId: link.linkId,
        userId: link.userId,
        frameId: frame.id,
        at: frameAt(frame),
        exercise: frame.exercise,
        reps: frame.reps,
        weightKg: frame.weightKg,
        durationS: frame.durationS,
      };
      const first = await once(conn, frame.id, async (tx) => {
        await enqueueEvent(tx, {
          event: machineEvents.machineSetCompleted,
          subject: conn.machineId,
          msgId: frameMsgId(conn, frame.id),
          natsSubject: machineEvents.machineSubject(conn.branchId, conn.machineId, 'set_completed'),
          data,
        });
        return true;
      });
      if (first) {
        link.totals.addSet(frame);
        live.toMember(link.userId, 'set.completed', data);
      }
      conn.ack(frame.id);
    },

    async unlink(conn, frame) {
      // Only this machine's own link: the machine id comes from its token, never from the frame.
      const latest = conn.link?.linkId === frame.linkId ? conn.link.totals.snapshot() : undefined;
      const ended = await once(conn, frame.id, (tx) =>
        endLink(tx, { linkId: frame.linkId, machineId: conn.machineId }, 'machine', staleAfterMs, latest),
      );
      if (ended) announceUnlink(deps, ended);
      if (conn.link?.linkId === frame.linkId) conn.link = undefined;
      conn.ack(frame.id);
    },
  };

  /** The connection's link if the frame names it; otherwise an error frame and nothing else. */
  function linkOf(conn: MachineConnection, linkId: string, ref: string) {
    if (conn.link?.linkId === linkId) return conn.link;
    conn.error(FrameErrors.NOT_LINKED, 'No member is linked under this linkId', ref);
    return undefined;
  }

  return async function handle(conn: MachineConnection, raw: string): Promise<void> {
    conn.lastFrameAt = Date.now();
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      conn.error(FrameErrors.MALFORMED_FRAME, 'Frames are JSON text');
      return;
    }
    const candidate = parsed as { type?: unknown; id?: unknown };
    const ref = typeof candidate?.id === 'string' ? candidate.id.slice(0, 64) : undefined;
    const schema =
      typeof candidate?.type === 'string' ? machineFrames[candidate.type as MachineFrame['type']] : undefined;
    if (!schema || !Object.hasOwn(machineFrames, candidate.type as string)) {
      conn.error(
        FrameErrors.UNKNOWN_FRAME_TYPE,
        `Unknown frame type; known: ${Object.keys(machineFrames).join(', ')}`,
        ref,
      );
      return;
    }
    const check = validatorFor(schema);
    if (!check.Check(parsed)) {
      const problems = describeErrors(check.Errors(parsed)).map((e) => `${e.path} ${e.message}`);
      conn.error(FrameErrors.INVALID_FRAME, problems.join('; ').slice(0, 500), ref);
      return;
    }
    const frame = parsed as MachineFrame;
    deps.countFrame?.(frame.type);
    if (!conn.helloed && frame.type !== 'hello') {
      conn.error(FrameErrors.HELLO_FIRST, 'Send hello first', frame.id);
      return;
    }
    if (conn.hasSeen(frame.id)) {
      conn.ack(frame.id); // a resend after a reconnect: acknowledged, no second effect
      return;
    }
    try {
      await (handlers[frame.type] as (c: MachineConnection, f: MachineFrame) => Promise<void>)(conn, frame);
      conn.remember(frame.id);
    } catch (error) {
      logger.error({ err: error, machineId: conn.machineId, frame: frame.type }, 'frame failed');
      conn.error(FrameErrors.INTERNAL, 'The hub could not handle this frame now; send it again', frame.id);
    }
  };
}

export type FrameHandler = ReturnType<typeof frameHandler>;
