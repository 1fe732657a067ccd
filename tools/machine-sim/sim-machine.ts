/**
 * One simulated gym machine speaking the hub's protocol (DESIGN.md §6), as firmware would:
 *
 *   token ─→ connect ─→ hello ─→ welcome ─→ ready ─┬─ heartbeat every heartbeatIntervalS
 *     ↑                                            ├─ not linked: show a QR code, rotate it before it expires
 *     └──── offline (backoff) ←── connection lost ─┴─ linked: telemetry at `telemetryHz`, a set now and then
 *
 * What matters (telemetry, set.completed, unlink, status) goes through a FrameOutbox and stays
 * there until acknowledged; a lost connection is made again with backoff (a new token when the old
 * one expired or was refused), and the unacknowledged frames are replayed in order with their
 * original ids. The workout goes on while offline, as it would on a real treadmill.
 */
import { randomUUID } from 'node:crypto';
import { MachineCloseCodes, type HubFrame, type Metrics } from '@nxg/contracts';
import WebSocket from 'ws';
import { Backoff } from './backoff.ts';
import { FrameOutbox } from './frame-outbox.ts';
import { ApiError, fetchMachineToken, wsUrl, type MachineToken } from './http.ts';
import { startWorkout, type CompletedSet, type SimKind, type Workout } from './metrics.ts';
import { SendPacer } from './send-pacer.ts';
import { SimStats, type MachineView } from './sim-stats.ts';

export interface SimMachineCredentials {
  machineId: string;
  secret: string;
  name?: string;
  kind?: SimKind;
}

/** Frames kept in the outbox until the hub acknowledges them. */
export type OutboxedFrame =
  | { type: 'telemetry'; id: string; ts: string; linkId: string; metrics: Metrics }
  | ({ type: 'set.completed'; id: string; ts: string; linkId: string } & CompletedSet)
  | { type: 'unlink'; id: string; ts: string; linkId: string }
  | { type: 'status'; id: string; ts: string; status: 'available' | 'fault' };

export type MachineState =
  'idle' | 'authenticating' | 'connecting' | 'greeting' | 'ready' | 'offline' | 'stopped';

export interface ActiveLink {
  linkId: string;
  displayName: string;
  /** When the machine learned of it (ms since the epoch). */
  since: number;
}

type HubError = Extract<HubFrame, { type: 'error' }>;

export interface SimMachineHooks {
  onState?(state: MachineState, machine: SimMachine): void;
  onQr?(qr: { token: string; expiresAt: string }, machine: SimMachine): void;
  onLinked?(link: ActiveLink, machine: SimMachine): void;
  onUnlinked?(linkId: string, reason: string, machine: SimMachine): void;
  /** An outbox frame went on the wire (`replay`: again, with its original id). */
  onSent?(frame: OutboxedFrame, replay: boolean, machine: SimMachine): void;
  /** The hub acknowledged an outbox frame. */
  onAck?(frame: OutboxedFrame, machine: SimMachine): void;
  /** An `error` frame from the hub. */
  onHubError?(error: HubError, machine: SimMachine): void;
  /** Something on the machine's side went wrong (token refused, connection failed…). */
  onProblem?(message: string, machine: SimMachine): void;
}

export interface SimMachineOptions {
  credentials: SimMachineCredentials;
  /** Where machine tokens come from (POST /v1/machines/token), e.g. http://localhost:8080 */
  gatewayUrl: string;
  /** The hub's base URL; the socket is at /v1/machines/connect. e.g. http://localhost:8081 */
  hubUrl: string;
  /** Telemetry frames per second while linked (default 1). */
  telemetryHz?: number;
  /** About how often a set.completed is sent while linked, in seconds; 0: never (default 30). */
  setEveryS?: number;
  /** Request and rotate a QR code while not linked (default true). */
  showQr?: boolean;
  /** End each workout (an `unlink` frame) after this many seconds linked; 0: never (default). */
  workoutS?: number;
  /** Frames per second this machine sends at most, replays included (default 15; the hub allows 20). */
  maxFrameRate?: number;
  /** Send a frame again when its ack has not come after this long while connected (default 10 s). */
  resendAfterMs?: number;
  /** Simulated network drops: about every `everyS` seconds, and/or with `probability` each second. */
  drops?: { everyS?: number; probability?: number; offlineS?: number };
  firmware?: string;
  random?: () => number;
  hooks?: SimMachineHooks;
  /** Counters shared by all machines of a run. */
  stats?: SimStats;
  /** Defaults to POST /v1/machines/token on `gatewayUrl`. */
  fetchToken?: (
    credentials: SimMachineCredentials,
    signal: AbortSignal,
  ) => Promise<{ accessToken: string; expiresAt: number }>;
}

/** Codes that end the machine's run: it is not a machine, or it was removed. */
const FATAL_CLOSE_CODES = new Set<number>([MachineCloseCodes.FORBIDDEN, MachineCloseCodes.MACHINE_REMOVED]);
const TOKEN_CLOSE_CODES = new Set<number>([
  MachineCloseCodes.UNAUTHORIZED,
  MachineCloseCodes.TOKEN_EXPIRED,
  MachineCloseCodes.CREDENTIALS_REVOKED,
]);
/** Error codes after which a frame will never be accepted. */
const FINAL_ERRORS = new Set(['NOT_LINKED', 'INVALID_FRAME', 'UNKNOWN_FRAME_TYPE', 'MALFORMED_FRAME']);
/** How long a new connection may take to be welcomed and have its hello acknowledged. */
const GREETING_TIMEOUT_MS = 15_000;
/** A token this close to expiry is renewed before connecting. */
const TOKEN_MARGIN_MS = 60_000;

export class SimMachine implements MachineView {
  readonly machineId: string;
  readonly kind: SimKind;
  readonly name: string;
  readonly outbox = new FrameOutbox<OutboxedFrame>();
  readonly stats: SimStats;
  state: MachineState = 'idle';
  link: ActiveLink | undefined;
  qr: { token: string; expiresAt: string } | undefined;
  heartbeatIntervalS: number | undefined;

  private readonly options: SimMachineOptions;
  private readonly hooks: SimMachineHooks;
  private readonly random: () => number;
  private readonly backoff: Backoff;
  private readonly pacer: SendPacer;
  private readonly abort = new AbortController();
  private socket: WebSocket | undefined;
  private token: MachineToken | undefined;
  private tokenRefused = false;
  private greetedBefore = false;
  private helloId: string | undefined;
  /** A `linked` arrived since the last welcome: the hub still has our link. */
  private linkConfirmed = false;
  /** How long a simulated drop in progress keeps the machine offline. */
  private simulatedOfflineMs: number | undefined;
  private workout: Workout | undefined;
  private lastTickAt = 0;
  private readonly timers = {
    heartbeat: undefined as NodeJS.Timeout | undefined,
    resend: undefined as NodeJS.Timeout | undefined,
    pump: undefined as NodeJS.Timeout | undefined,
    qr: undefined as NodeJS.Timeout | undefined,
    telemetry: undefined as NodeJS.Timeout | undefined,
    workout: undefined as NodeJS.Timeout | undefined,
    reconnect: undefined as NodeJS.Timeout | undefined,
    greeting: undefined as NodeJS.Timeout | undefined,
    drop: undefined as NodeJS.Timeout | undefined,
    dropChance: undefined as NodeJS.Timeout | undefined,
  };

  constructor(options: SimMachineOptions) {
    this.options = options;
    this.machineId = options.credentials.machineId;
    this.kind = options.credentials.kind ?? 'treadmill';
    this.name = options.credentials.name ?? `Machine ${this.machineId.slice(0, 8)}`;
    this.hooks = options.hooks ?? {};
    this.stats = options.stats ?? new SimStats();
    this.random = options.random ?? Math.random;
    this.backoff = new Backoff({ random: this.random });
    this.pacer = new SendPacer(options.maxFrameRate ?? 15);
  }

  get connected(): boolean {
    return this.state === 'ready';
  }

  get linked(): boolean {
    return this.link !== undefined;
  }

  get queued(): number {
    return this.outbox.size;
  }

  get stopped(): boolean {
    return this.state === 'stopped';
  }

  /** Connects, and keeps connecting until stopped. */
  start(): void {
    if (this.state !== 'idle') return;
    const { everyS, probability } = this.options.drops ?? {};
    if (everyS && everyS > 0) this.scheduleDrop(everyS);
    if (probability && probability > 0) {
      this.timers.dropChance = setInterval(() => {
        if (this.random() < probability) this.drop();
      }, 1000);
    }
    void this.connect();
  }

  /**
   * Stops for good. With `drainMs`, first waits (that long at most) until every frame in the
   * outbox is acknowledged; no new telemetry is made meanwhile.
   */
  async stop(options: { drainMs?: number } = {}): Promise<void> {
    if (this.state === 'stopped') return;
    this.stopWorkoutTimers();
    clearTimeout(this.timers.drop);
    clearInterval(this.timers.dropChance);
    const deadline = Date.now() + (options.drainMs ?? 0);
    while (this.outbox.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    this.setState('stopped');
    this.abort.abort();
    for (const timer of Object.values(this.timers)) {
      clearTimeout(timer);
      clearInterval(timer);
    }
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      const closed = new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        setTimeout(resolve, 1000).unref();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000, 'machine switched off');
      await closed;
    }
  }

  /** Shows a new QR code now (e.g. after one could not be redeemed). */
  refreshQr(): void {
    this.requestQr();
  }

  /**
   * A network drop: the socket goes without a goodbye, acks on their way are lost, and the machine
   * stays offline for `offlineMs` before it connects again. Returns false when not connected.
   */
  drop(offlineMs = (this.options.drops?.offlineS ?? 2) * 1000): boolean {
    if (!this.socket || this.state === 'stopped') return false;
    this.simulatedOfflineMs = offlineMs;
    this.stats.simulatedDrops += 1;
    this.socket.terminate();
    return true;
  }

  // ── connection ──────────────────────────────────────────────────────────────────────────────

  private async connect(): Promise<void> {
    if (this.state === 'stopped') return;
    this.setState('authenticating');
    try {
      if (!this.token || this.tokenRefused || this.token.expiresAt - Date.now() < TOKEN_MARGIN_MS) {
        const fetchToken =
          this.options.fetchToken ??
          ((credentials, signal) => fetchMachineToken(this.options.gatewayUrl, credentials, signal));
        this.token = await fetchToken(this.options.credentials, this.abort.signal);
        this.tokenRefused = false;
        this.stats.tokens += 1;
      }
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof ApiError && error.status === 401) {
        this.fail(`its credentials were refused: ${error.message}`);
        return;
      }
      this.stats.error('TOKEN_FAILED');
      this.problem(`no machine token: ${(error as Error).message}`);
      this.scheduleReconnect(this.backoff.next());
      return;
    }
    if (this.stopped) return; // stopped while the token was on its way
    this.setState('connecting');
    const socket = new WebSocket(wsUrl(this.options.hubUrl, '/v1/machines/connect'), {
      headers: { authorization: `Bearer ${this.token.accessToken}` },
      handshakeTimeout: 10_000,
    });
    this.socket = socket;
    let lastError: string | undefined;
    socket.on('open', () => {
      if (socket === this.socket) this.greet();
    });
    socket.on('message', (data, isBinary) => {
      if (socket === this.socket && !isBinary) this.receive(String(data));
    });
    socket.on('error', (error) => {
      lastError = error.message; // 'close' follows
    });
    socket.on('close', (code, reason) => {
      if (socket === this.socket) this.closed(code, reason.toString() || lastError || '');
    });
  }

  private greet(): void {
    this.setState('greeting');
    this.linkConfirmed = false;
    this.helloId = randomUUID();
    // No welcome and ack in time (the hub could not handle the hello): try again on a new connection.
    this.timers.greeting = setTimeout(
      () => this.abandonConnection('no welcome from the hub'),
      GREETING_TIMEOUT_MS,
    );
    this.sendOther({
      type: 'hello',
      id: this.helloId,
      firmware: this.options.firmware ?? 'nxg-sim/1.0',
      capabilities: this.kind === 'strength' ? ['telemetry', 'qr', 'sets'] : ['telemetry', 'qr', 'ftms'],
    });
  }

  private closed(code: number, reason: string): void {
    const wasGreeted = this.state === 'ready';
    this.socket = undefined;
    this.helloId = undefined;
    for (const timer of ['heartbeat', 'resend', 'pump', 'qr', 'greeting'] as const) {
      clearTimeout(this.timers[timer]);
      clearInterval(this.timers[timer]);
      this.timers[timer] = undefined;
    }
    this.outbox.requeueAll();
    if (this.state === 'stopped') return;
    if (wasGreeted) this.stats.drops += 1;
    else if (this.simulatedOfflineMs === undefined) {
      this.stats.error('CONNECT_FAILED');
      this.problem(`could not connect (${code}${reason ? ` ${reason}` : ''})`);
    }
    // The token is no good any more (refused, expired, or its secret rotated): get a fresh one.
    if (TOKEN_CLOSE_CODES.has(code)) this.tokenRefused = true;
    if (FATAL_CLOSE_CODES.has(code)) {
      this.fail(`the hub closed the connection for good (${code} ${reason})`);
      return;
    }
    if (code === MachineCloseCodes.REPLACED) {
      this.stats.error('REPLACED');
      this.problem('another connection of this machine took over (is another simulator using it?)');
    }
    const delay = this.simulatedOfflineMs ?? this.backoff.next();
    this.simulatedOfflineMs = undefined;
    this.setState('offline');
    this.scheduleReconnect(delay);
  }

  /** Gives up on this connection (it counts as a failed one) and connects again after a backoff. */
  private abandonConnection(why: string): void {
    if (!this.socket) return;
    this.stats.error('HELLO_FAILED');
    this.problem(why);
    this.socket.terminate();
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.state === 'stopped') return;
    this.setState('offline');
    this.timers.reconnect = setTimeout(() => void this.connect(), delayMs);
  }

  private scheduleDrop(everyS: number): void {
    this.timers.drop = setTimeout(
      () => {
        this.drop();
        this.scheduleDrop(everyS);
      },
      everyS * 1000 * (0.5 + this.random()),
    );
  }

  // ── what the hub says ───────────────────────────────────────────────────────────────────────

  private receive(raw: string): void {
    let frame: HubFrame;
    try {
      frame = JSON.parse(raw) as HubFrame;
    } catch {
      this.stats.error('BAD_HUB_FRAME');
      return;
    }
    switch (frame.type) {
      case 'welcome':
        return this.welcomed(frame.heartbeatIntervalS);
      case 'ack':
        return this.acked(frame.id);
      case 'qr':
        return this.showQr(frame.token, frame.expiresAt);
      case 'linked':
        return this.linkedTo(frame.linkId, frame.member.displayName);
      case 'unlinked':
        if (this.link?.linkId === frame.linkId) this.unlinked(frame.reason);
        return;
      case 'error':
        return this.hubError(frame);
    }
  }

  private welcomed(heartbeatIntervalS: number): void {
    this.heartbeatIntervalS = heartbeatIntervalS;
    this.setState('ready');
    this.backoff.reset();
    if (this.greetedBefore) this.stats.reconnects += 1;
    this.timers.heartbeat = setInterval(() => this.heartbeat(), heartbeatIntervalS * 1000);
    if (!this.greetedBefore) {
      // Booted: say so once (it goes through the outbox, like every frame that matters).
      this.outbox.push({
        type: 'status',
        id: randomUUID(),
        ts: new Date().toISOString(),
        status: 'available',
      });
    }
    this.greetedBefore = true;
    // The outbox waits for the hello's ack, which tells whether our link survived (see `acked`).
  }

  private acked(id: string): void {
    if (id === this.helloId) {
      this.helloId = undefined;
      clearTimeout(this.timers.greeting);
      // The hub says `linked` between welcome and this ack if our link survived the drop.
      if (this.link && !this.linkConfirmed) this.unlinked('ended while offline');
      else if (!this.link) this.requestQr();
      this.pump();
      return;
    }
    const frame = this.outbox.ack(id);
    if (!frame) return; // a heartbeat's or a qr.request's
    this.stats.acked += 1;
    this.hooks.onAck?.(frame, this);
    if (frame.type === 'unlink' && !this.link) this.requestQr();
    this.pump();
  }

  private showQr(token: string, expiresAt: string): void {
    if (this.link) return;
    this.qr = { token, expiresAt };
    this.hooks.onQr?.(this.qr, this);
    clearTimeout(this.timers.qr);
    // Show a fresh one before this one expires.
    const remaining = Date.parse(expiresAt) - Date.now();
    const lead = Math.max(2000, Math.min(10_000, remaining * 0.2));
    this.timers.qr = setTimeout(() => this.requestQr(), Math.max(1000, remaining - lead));
  }

  private linkedTo(linkId: string, displayName: string): void {
    this.linkConfirmed = true;
    if (this.link?.linkId === linkId) return; // still linked after a reconnect
    if (this.link) this.unlinked('replaced by a new link');
    clearTimeout(this.timers.qr);
    this.qr = undefined;
    this.link = { linkId, displayName, since: Date.now() };
    this.workout = startWorkout(this.kind, {
      setEveryS: this.options.setEveryS || 30,
      random: this.random,
    });
    this.lastTickAt = Date.now();
    this.timers.telemetry = setInterval(() => this.tick(), 1000 / (this.options.telemetryHz ?? 1));
    const workoutS = this.options.workoutS ?? 0;
    if (workoutS > 0) this.timers.workout = setTimeout(() => this.finishWorkout(), workoutS * 1000);
    this.stats.links += 1;
    this.hooks.onLinked?.(this.link, this);
  }

  /**
   * The link ended. The hub ended it: its frames still waiting would only be refused, and a new
   * QR code is shown. The machine ended it (`byMachine`): its frames and the `unlink` go first, and
   * the QR code follows the unlink's ack.
   */
  private unlinked(reason: string, byMachine = false): void {
    const link = this.link;
    if (!link) return;
    this.stopWorkoutTimers();
    this.link = undefined;
    this.workout = undefined;
    this.stats.unlinks += 1;
    if (!byMachine)
      this.stats.discarded += this.outbox.discard((f) => 'linkId' in f && f.linkId === link.linkId);
    this.hooks.onUnlinked?.(link.linkId, reason, this);
    if (!byMachine && this.state === 'ready' && !this.helloId) this.requestQr();
  }

  private hubError(error: HubError): void {
    // NOT_LINKED is how a frame on its way meets a link the member just ended: counted as rejected.
    if (error.code !== 'NOT_LINKED') this.stats.error(error.code);
    this.hooks.onHubError?.(error, this);
    if (error.code === 'RATE_LIMITED') {
      // The frame it refused is resent when its ack does not come.
      this.pacer.pause(1000);
      return;
    }
    if (!error.ref) return;
    if (error.ref === this.helloId) {
      this.abandonConnection(`the hub could not handle the hello (${error.code})`);
      return;
    }
    if (FINAL_ERRORS.has(error.code)) {
      const frame = this.outbox.reject(error.ref);
      if (!frame) return;
      this.stats.rejected += 1;
      // NOT_LINKED for our current link: the hub ended it without telling us.
      if (error.code === 'NOT_LINKED' && 'linkId' in frame && frame.linkId === this.link?.linkId)
        this.unlinked('not linked any more');
      this.pump();
    } else if (this.outbox.retry(error.ref)) {
      this.pacer.pause(1000);
      this.pump();
    }
  }

  // ── what the machine says ───────────────────────────────────────────────────────────────────

  private tick(): void {
    const link = this.link;
    if (!link || !this.workout) return;
    const now = Date.now();
    const metrics = this.workout.tick((now - this.lastTickAt) / 1000);
    this.lastTickAt = now;
    const ts = new Date(now).toISOString();
    this.outbox.push({ type: 'telemetry', id: randomUUID(), ts, linkId: link.linkId, metrics });
    this.stats.telemetry += 1;
    const set = this.workout.takeCompletedSet();
    if (set && (this.options.setEveryS ?? 30) > 0) {
      this.outbox.push({ type: 'set.completed', id: randomUUID(), ts, linkId: link.linkId, ...set });
      this.stats.sets += 1;
    }
    this.stats.discarded += this.outbox.evicted;
    this.outbox.evicted = 0;
    this.pump();
  }

  private finishWorkout(): void {
    const link = this.link;
    if (!link) return;
    this.unlinked('workout over', true);
    this.outbox.push({ type: 'unlink', id: randomUUID(), ts: new Date().toISOString(), linkId: link.linkId });
    this.pump();
  }

  private heartbeat(): void {
    this.sendOther({ type: 'heartbeat', id: randomUUID() });
    this.stats.heartbeats += 1;
  }

  private requestQr(): void {
    if (this.state !== 'ready' || this.link || this.options.showQr === false) return;
    clearTimeout(this.timers.qr);
    this.sendOther({ type: 'qr.request', id: randomUUID() });
  }

  /** Sends what the outbox has, as fast as the pacer and the window allow, once the hello is acknowledged. */
  private pump(): void {
    if (this.state !== 'ready' || !this.socket || this.helloId || this.timers.pump) return;
    while (this.outbox.unsent > 0 && this.socket.readyState === WebSocket.OPEN) {
      const wait = this.pacer.waitMs();
      if (wait > 0) {
        this.timers.pump = setTimeout(() => {
          this.timers.pump = undefined;
          this.pump();
        }, wait);
        return;
      }
      const next = this.outbox.next();
      if (!next) return; // the window is full: an ack pumps again
      this.pacer.take();
      this.socket.send(JSON.stringify(next.frame));
      if (next.replay) this.stats.replayed += 1;
      else this.stats.sent += 1;
      this.hooks.onSent?.(next.frame, next.replay, this);
      this.armResend();
    }
  }

  /** While frames are on the wire, looks now and then for any whose ack is overdue, to send it again. */
  private armResend(): void {
    if (this.timers.resend || this.outbox.inFlight === 0) return;
    const resendAfterMs = this.options.resendAfterMs ?? 10_000;
    this.timers.resend = setTimeout(() => {
      this.timers.resend = undefined;
      if (this.state !== 'ready') return;
      if (this.outbox.requeueStale(resendAfterMs) > 0) this.pump();
      this.armResend();
    }, resendAfterMs / 2);
  }

  /** A frame outside the outbox (hello, heartbeat, qr.request): sent now if connected, else not at all. */
  private sendOther(frame: { type: string; id: string; [key: string]: unknown }): void {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify({ ...frame, ts: new Date().toISOString() }));
    this.outbox.noteOtherSent();
  }

  // ── bookkeeping ─────────────────────────────────────────────────────────────────────────────

  private stopWorkoutTimers(): void {
    clearInterval(this.timers.telemetry);
    clearTimeout(this.timers.workout);
    this.timers.telemetry = undefined;
    this.timers.workout = undefined;
  }

  private setState(state: MachineState): void {
    if (this.state === state || this.state === 'stopped') return;
    this.state = state;
    this.hooks.onState?.(state, this);
  }

  private problem(message: string): void {
    this.hooks.onProblem?.(message, this);
  }

  private fail(message: string): void {
    this.stats.error('MACHINE_STOPPED');
    this.problem(`stopped: ${message}`);
    void this.stop();
  }
}
