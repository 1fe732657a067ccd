import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface Received {
  type: string;
  id?: string;
  [key: string]: unknown;
}

/**
 * A WebSocket test client that keeps every message it receives, so a test can wait for the one it
 * expects (`next`) and assert on what else arrived (`received`).
 */
export class SocketClient {
  readonly received: Received[] = [];
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Received and not yet taken by `next`. */
  private pending: Received[] = [];
  private waiters: { match: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];

  constructor(url: string, options: { headers?: Record<string, string>; protocols?: string[] } = {}) {
    this.socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      this.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Received;
      this.received.push(message);
      const waiter = this.waiters.find((w) => w.match(message));
      if (!waiter) this.pending.push(message);
      else {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    });
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** Sends a frame with a fresh id (unless given) and the current time; returns the frame. */
  send(frame: { type: string; id?: string; [key: string]: unknown }): { id: string; [key: string]: unknown } {
    const full = { id: randomUUID(), ts: new Date().toISOString(), ...frame };
    this.socket.send(JSON.stringify(full));
    return full;
  }

  /** The first message not yet taken that matches `match`, waiting up to `timeoutMs`. */
  next(match: (m: Received) => boolean = () => true, timeoutMs = 5000): Promise<Received> {
    const index = this.pending.findIndex(match);
    if (index >= 0) return Promise.resolve(this.pending.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.match !== match);
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.received.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Waits for the message of `type` answering frame `ref` (acks carry it as their id, errors as ref). */
  reply(ref: string, timeoutMs = 5000): Promise<Received> {
    return this.next(
      (m) => (m.type === 'ack' && m.id === ref) || (m.type === 'error' && m.ref === ref),
      timeoutMs,
    );
  }

  close(): void {
    this.socket.close();
  }
}

/** A machine on the hub's WebSocket, authenticated with its machine token. */
export const connectMachine = (hubUrl: string, token: string) =>
  new SocketClient(`${hubUrl.replace(/^http/, 'ws')}/v1/machines/connect`, {
    headers: { authorization: `Bearer ${token}` },
  });

/** A member's (or staff's) live feed on the gateway. */
export const connectLive = (gatewayUrl: string, token: string, query = '') =>
  new SocketClient(`${gatewayUrl.replace(/^http/, 'ws')}/v1/live${query}`, { protocols: ['bearer', token] });
