import type { Msg, Subscription } from '@nats-io/transport-node';
import type { RevocationWatch } from '@nxg/platform';
import { hubMachineSubject, MachineCloseCodes } from '@nxg/contracts';
import { messageSender, type Queryable } from '@nxg/platform';
import type { HubDeps } from '../deps.ts';
import type { HubCommand } from '../live/live-publisher.ts';
import { announceStatusChange } from '../linking/link-notices.ts';
import { WorkoutTotals } from '../linking/workout-totals.ts';
import { announceStatus } from '../registry/machine-store.ts';
import type { MachineConnection } from './machine-connection.ts';

const FLUSH_INTERVAL_MS = 2000;
/**
 * How often active links' workout totals are persisted: what a hub killed outright loses at most.
 * A graceful stop, a closed socket and an unlink persist them at once.
 */
const CHECKPOINT_INTERVAL_MS = 30_000;

/**
 * The sockets this replica holds. Each machine's commands arrive on `hub.machine.<id>`, which only
 * the replica holding its socket subscribes to. Liveness is written back in batches so 10,000
 * heartbeats do not mean 10,000 writes; a machine's recent frame ids are written when its socket
 * closes. After a hub crash the ids since the last connect are lost: a replayed telemetry frame
 * is then dropped by JetStream's duplicate window (msg id machine:frame) and a replayed set or
 * unlink by `processed_frames`.
 */
export class ConnectionRegistry {
  private readonly connections = new Map<string, { conn: MachineConnection; subscription: Subscription }>();
  private readonly deps: HubDeps;
  private readonly timers: NodeJS.Timeout[] = [];

  private readonly revocations: RevocationWatch;
  /**
   * Workout totals of links whose socket closed here, until the machine reconnects: a reconnect to
   * this replica carries them on even before the closed socket's write of them has committed.
   */
  private readonly departed = new Map<string, { linkId: string; totals: WorkoutTotals }>();

  constructor(deps: HubDeps, revocations: RevocationWatch) {
    this.deps = deps;
    this.revocations = revocations;
    this.timers.push(
      setInterval(
        () => void this.flush().catch((err) => deps.logger.error({ err }, 'liveness flush failed')),
        FLUSH_INTERVAL_MS,
      ),
    );
    this.timers.push(
      setInterval(
        () => void this.checkpoint().catch((err) => deps.logger.error({ err }, 'workout checkpoint failed')),
        CHECKPOINT_INTERVAL_MS,
      ),
    );
    this.timers.push(setInterval(() => this.closeStale(), 1000));
    for (const timer of this.timers) timer.unref();
  }

  get size(): number {
    return this.connections.size;
  }

  /** The totals a socket of this machine left here for `linkId`, if it closed on this replica. */
  carriedTotals(machineId: string, linkId: string): WorkoutTotals | undefined {
    const left = this.departed.get(machineId);
    this.departed.delete(machineId);
    return left?.linkId === linkId ? left.totals : undefined;
  }

  /** Takes over the machine: an older socket here or on another replica is closed. */
  async add(conn: MachineConnection): Promise<void> {
    const { nc, db, instanceId, staleAfterMs, live } = this.deps;
    const previous = this.connections.get(conn.machineId)?.conn;
    // A reconnect before the old socket's close was handled here: its workout goes on in the new one.
    if (previous?.link && conn.link?.linkId === previous.link.linkId) conn.link.totals = previous.link.totals;
    previous?.socket.close(MachineCloseCodes.REPLACED, 'replaced by a newer connection');
    live.command(conn.machineId, { type: 'replaced', by: instanceId });
    const subscription = nc.subscribe(hubMachineSubject(conn.machineId), {
      callback: (error, msg) => {
        // Only another hub replica may command a machine's socket (never a forged message).
        if (!error && messageSender(nc, msg) === 'machine-hub')
          this.command(conn, msg.json<HubCommand>(), msg);
      },
    });
    this.connections.set(conn.machineId, { conn, subscription });
    const changed = await db.transaction(async (tx) => {
      await tx.query('UPDATE machines SET connected_instance = $2, last_seen_at = now() WHERE id = $1', [
        conn.machineId,
        instanceId,
      ]);
      return announceStatus(tx, conn.machineId, staleAfterMs);
    });
    announceStatusChange(this.deps, conn.branchId, conn.machineId, changed);
  }

  /** The socket closed: the machine is disconnected, its link survives until the heartbeat window ends. */
  async remove(conn: MachineConnection): Promise<void> {
    const entry = this.connections.get(conn.machineId);
    if (entry?.conn !== conn) return; // already replaced
    this.connections.delete(conn.machineId);
    if (conn.link) this.departed.set(conn.machineId, { linkId: conn.link.linkId, totals: conn.link.totals });
    entry.subscription.unsubscribe();
    const { db, instanceId, staleAfterMs } = this.deps;
    const changed = await db.transaction(async (tx) => {
      // The link's row before the machine's, the order ending a link takes them in (no deadlock).
      if (conn.link) await saveTotals(tx, [conn]);
      await tx.query(
        'UPDATE machines SET connected_instance = NULL, recent_frame_ids = $3 WHERE id = $1 AND connected_instance = $2',
        [conn.machineId, instanceId, conn.recent.toArray()],
      );
      return announceStatus(tx, conn.machineId, staleAfterMs);
    });
    announceStatusChange(this.deps, conn.branchId, conn.machineId, changed);
  }

  private command(conn: MachineConnection, command: HubCommand, msg: Msg): void {
    switch (command.type) {
      case 'checkpoint':
        void (conn.link ? saveTotals(this.deps.db, [conn]) : Promise.resolve())
          .catch((err) => this.deps.logger.error({ err }, 'workout checkpoint failed'))
          .finally(() => msg.respond());
        break;
      case 'linked':
        conn.link = {
          linkId: command.linkId,
          userId: command.userId,
          displayName: command.displayName,
          totals: new WorkoutTotals(),
        };
        conn.send('linked', {
          linkId: command.linkId,
          member: { displayName: command.displayName },
          ...(command.plan?.length ? { plan: command.plan } : {}),
        });
        break;
      case 'unlinked':
        if (conn.link?.linkId === command.linkId) conn.link = undefined;
        conn.send('unlinked', { linkId: command.linkId, reason: command.reason });
        break;
      case 'replaced':
        if (command.by !== this.deps.instanceId)
          conn.socket.close(MachineCloseCodes.REPLACED, 'connected elsewhere');
        break;
      case 'revoked':
        conn.socket.close(MachineCloseCodes.CREDENTIALS_REVOKED, 'the machine secret was rotated');
        break;
      case 'removed':
        conn.socket.close(MachineCloseCodes.MACHINE_REMOVED, 'the machine was decommissioned');
        break;
    }
  }

  /**
   * Once a second, in one pass over every socket: closes those silent for longer than two heartbeat
   * intervals (the sweeper then ends their links), and those outliving their token (the machine
   * reconnects with a fresh one) or a revocation of it, seen in the bucket every replica watches.
   * A token is looked up among the revocations only when one was taken since its last check: at
   * 20,000 sockets the lookups' key strings, every second, were most of the pass.
   */
  private closeStale(): void {
    const now = Date.now();
    const silentSince = now - this.deps.staleAfterMs;
    const nowS = now / 1000;
    const revocations = this.revocations.version;
    for (const { conn } of this.connections.values()) {
      if (conn.lastFrameAt < silentSince)
        conn.socket.close(MachineCloseCodes.HEARTBEAT_TIMEOUT, 'no heartbeat');
      else if (conn.token.expiresAt <= nowS)
        conn.socket.close(MachineCloseCodes.TOKEN_EXPIRED, 'token expired');
      else if (conn.revocationsChecked !== revocations) {
        conn.revocationsChecked = revocations;
        if (this.revocations.isRevoked(conn.token.id, conn.token.sessionId))
          conn.socket.close(MachineCloseCodes.CREDENTIALS_REVOKED, 'token revoked');
      }
    }
  }

  /** Writes who was heard from, in one statement. */
  async flush(): Promise<void> {
    const heard = [...this.connections.values()].map((e) => e.conn).filter((c) => c.dirty);
    if (heard.length === 0) return;
    for (const conn of heard) conn.dirty = false;
    // Liveness only: the recent frame ids are written when a socket closes. Writing them here too
    // (2,000 machines × 256 ids every flush) blocked the event loop for ~190 ms in the benchmark.
    await this.deps.db.query(
      'UPDATE machines SET last_seen_at = now() WHERE id = ANY($1::uuid[]) AND connected_instance = $2',
      [heard.map((c) => c.machineId), this.deps.instanceId],
    );
  }

  /** Persists the workout totals of active links that changed since the last checkpoint. */
  async checkpoint(): Promise<void> {
    const changed = [...this.connections.values()].map((e) => e.conn).filter((c) => c.link?.totals.dirty);
    if (changed.length) await saveTotals(this.deps.db, changed);
  }

  /** Closes every socket (going-away) and writes their state back. */
  async closeAll(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.flush().catch(() => {});
    await this.checkpoint().catch(() => {});
    for (const { conn } of [...this.connections.values()]) conn.socket.close(1001, 'hub shutting down');
  }
}

/** Writes the links' workout totals in one statement; a link ended meanwhile keeps what it ended with. */
async function saveTotals(db: Queryable, conns: MachineConnection[]): Promise<void> {
  const linked = conns.filter((c) => c.link);
  if (linked.length === 0) return;
  const states = linked.map((c) => {
    c.link!.totals.dirty = false;
    return JSON.stringify(c.link!.totals.snapshot());
  });
  await db.query(
    `UPDATE links l SET workout = f.workout FROM unnest($1::uuid[], $2::jsonb[]) AS f(id, workout)
     WHERE l.id = f.id AND l.ended_at IS NULL`,
    [linked.map((c) => c.link!.linkId), states],
  );
}
