import { randomUUID } from 'node:crypto';
import type { FrameErrorCode, HubFrame, HubFrames } from '@nxg/contracts';
import type { WebSocket } from 'ws';
import type { WorkoutTotals } from '../linking/workout-totals.ts';
import { RecentFrames } from './recent-frames.ts';

/** How many recent frame ids a connection remembers: more than a machine may leave unacknowledged. */
export const RECENT_FRAMES = 256;

/** The machine token a socket was opened with: the socket lives no longer than it. */
export interface ConnectionToken {
  id: string;
  sessionId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

export interface ActiveLink {
  linkId: string;
  userId: string;
  displayName: string;
  /** The workout so far, summed from this link's telemetry and sets. */
  totals: WorkoutTotals;
}

/** One machine's socket on this replica: who it is, what it is linked to, what it sent lately. */
export class MachineConnection {
  readonly machineId: string;
  readonly branchId: string;
  readonly socket: WebSocket;
  readonly token: ConnectionToken;
  link: ActiveLink | undefined;
  helloed = false;
  lastFrameAt = Date.now();
  /** Frame ids handled, oldest first; replays of these are acknowledged without effect. */
  readonly recent: RecentFrames;
  /**
   * Telemetry frames already pushed to the member's live feed whose durable publish then failed:
   * their resend on this socket is stored and acknowledged without a second live push. Empty
   * unless publishes fail (created then: 20,000 sockets need no empty Set each).
   */
  private pushedNotStored: Set<string> | undefined;
  /** Heard from since the last liveness write. */
  dirty = false;
  /** The revocation watch's version this socket's token was last checked against (-1: never). */
  revocationsChecked = -1;
  /** When the branch's staff last got this machine's figures (they get at most one a second). */
  figuresSentAt = 0;
  private tokens: number;
  private refilledAt = Date.now();
  private readonly ratePerS: number;
  /** Frames refused for rate in the current window; too many closes the socket. */
  refused = 0;
  /** Frames are handled one after another, in the order the machine sent them. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    machineId: string,
    branchId: string,
    socket: WebSocket,
    token: ConnectionToken,
    ratePerS: number,
    recent: string[],
  ) {
    this.machineId = machineId;
    this.token = token;
    this.branchId = branchId;
    this.socket = socket;
    this.ratePerS = ratePerS;
    this.tokens = ratePerS * 2;
    this.recent = new RecentFrames(RECENT_FRAMES, recent);
  }

  send<K extends keyof HubFrames>(type: K, body: HubFrames[K], id: string = randomUUID()): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const frame = { type, id, ts: new Date().toISOString(), ...body } as HubFrame;
    this.socket.send(JSON.stringify(frame));
  }

  ack(frameId: string): void {
    this.send('ack', {}, frameId);
  }

  error(code: FrameErrorCode, message: string, ref?: string): void {
    this.send('error', ref ? { code, message, ref } : { code, message });
  }

  enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work, work);
  }

  hasSeen(frameId: string): boolean {
    return this.recent.has(frameId);
  }

  remember(frameId: string): void {
    this.pushedNotStored?.delete(frameId);
    this.recent.add(frameId);
    this.dirty = true;
  }

  /** Whether this telemetry frame already reached the live feed (a resend after a failed publish). */
  wasPushedLive(frameId: string): boolean {
    return this.pushedNotStored?.has(frameId) ?? false;
  }

  /** The frame was pushed live but not stored: its resend must not be pushed again. */
  pushedLiveNotStored(frameId: string): void {
    const pushed = (this.pushedNotStored ??= new Set());
    pushed.add(frameId);
    if (pushed.size > RECENT_FRAMES) pushed.delete(pushed.values().next().value!);
  }

  /** Token bucket: bursts of twice the rate, then `ratePerS` frames a second. */
  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.ratePerS * 2, this.tokens + ((now - this.refilledAt) / 1000) * this.ratePerS);
    this.refilledAt = now;
    if (this.tokens < 1) {
      this.refused += 1;
      return false;
    }
    this.tokens -= 1;
    return true;
  }
}
