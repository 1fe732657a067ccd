/**
 * A member's live feed on the gateway (`GET /v1/live`, the access token as
 * `Sec-WebSocket-Protocol: bearer, <token>`): linked, unlinked, telemetry and set completed, as the
 * phone app receives them.
 */
import type { LiveMessage } from '@nxg/contracts';
import WebSocket from 'ws';
import { wsUrl } from './http.ts';

/** What the feed relays (its own `ready` message aside). */
export type LiveFeedMessage = LiveMessage<Record<string, unknown>>;

export class LiveFeed {
  readonly socket: WebSocket;
  /** Resolves once the gateway says the feed is subscribed (its `ready` message). */
  readonly ready: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;

  /** `onMessage` gets every message but `ready`, with the time it arrived (ms since the epoch). */
  constructor(
    gatewayUrl: string,
    accessToken: string,
    onMessage: (message: LiveFeedMessage, receivedAt: number) => void,
  ) {
    this.socket = new WebSocket(wsUrl(gatewayUrl, '/v1/live'), ['bearer', accessToken]);
    let markReady: () => void = () => {};
    let failReady: (error: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.ready.catch(() => {}); // awaited by whoever needs it; a failure is no crash
    this.closed = new Promise((resolve) =>
      this.socket.once('close', (code, reason) => {
        failReady(new Error(`the live feed closed before it was ready (${code} ${reason.toString()})`));
        resolve({ code, reason: reason.toString() });
      }),
    );
    this.socket.on('error', (error) => failReady(error));
    this.socket.on('message', (data) => {
      const receivedAt = Date.now();
      let message: LiveFeedMessage | { type: 'ready' };
      try {
        message = JSON.parse(String(data)) as LiveFeedMessage | { type: 'ready' };
      } catch {
        return;
      }
      if (message.type === 'ready') markReady();
      else onMessage(message as LiveFeedMessage, receivedAt);
    });
  }

  close(): void {
    if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    else this.socket.close(1000, 'bye');
  }
}
