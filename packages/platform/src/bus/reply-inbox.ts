import { createInbox, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { sendThisTurn } from './turn-writes.ts';

export class NoRespondersError extends Error {
  override name = 'NoRespondersError';
}
export class ConnectionClosedError extends Error {
  override name = 'ConnectionClosedError';
}
export class ReplyTimeoutError extends Error {
  override name = 'TimeoutError';
}

interface Pending {
  /** The reply this request was waiting for, or undefined to keep waiting (a forged one). */
  accept: (msg: Msg) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One wildcard inbox per connection for the replies to its calls. Unlike `nc.request`, which takes
 * the first message to its inbox, a request here waits for the first reply it accepts: a rogue
 * responder's unsigned answer is skipped, and the real service's answer still wins.
 */
export class ReplyInbox {
  private readonly prefix: string;
  private readonly pending = new Map<string, Pending>();
  private sequence = 0;
  private readonly nc: NatsConnection;

  constructor(nc: NatsConnection) {
    this.nc = nc;
    // The connection's own inbox prefix (a service's, which its NATS permissions let it read).
    const { inboxPrefix } = (nc as { options?: { inboxPrefix?: string } }).options ?? {};
    this.prefix = `${createInbox(inboxPrefix)}.`;
    nc.subscribe(`${this.prefix}*`, {
      callback: (error, msg) => {
        if (!error) this.deliver(msg);
      },
    });
    // A closed connection answers nothing more: fail what waits now rather than at its timeout.
    void nc.closed().then(() => {
      for (const [token, pending] of this.pending) {
        this.settle(token);
        pending.reject(new ConnectionClosedError('the NATS connection is closed'));
      }
    });
  }

  request<T>(
    subject: string,
    payload: Uint8Array,
    headers: MsgHdrs,
    timeoutMs: number,
    accept: (msg: Msg) => T | undefined,
  ): Promise<T> {
    const token = (++this.sequence).toString(36);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new ReplyTimeoutError(`no accepted reply on ${subject} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(token, { accept, resolve: resolve as (value: unknown) => void, reject, timer });
      sendThisTurn(() => {
        try {
          this.nc.publish(subject, payload, { reply: this.prefix + token, headers });
        } catch (error) {
          this.settle(token);
          reject(error as Error);
        }
      });
    });
  }

  private deliver(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length);
    const pending = this.pending.get(token);
    if (!pending) return;
    // The server's own status message (no subscriber on the subject): a 503 without payload.
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      this.settle(token);
      pending.reject(new NoRespondersError(`no responders on ${msg.subject}`));
      return;
    }
    let accepted: unknown;
    try {
      accepted = pending.accept(msg);
    } catch (error) {
      this.settle(token);
      pending.reject(error as Error);
      return;
    }
    if (accepted === undefined) return;
    this.settle(token);
    pending.resolve(accepted);
  }

  private settle(token: string): void {
    const pending = this.pending.get(token);
    if (pending) clearTimeout(pending.timer);
    this.pending.delete(token);
  }
}

const inboxes = new WeakMap<NatsConnection, ReplyInbox>();

/** The connection's reply inbox, subscribed on first use. */
export function replyInboxOf(nc: NatsConnection): ReplyInbox {
  let inbox = inboxes.get(nc);
  if (!inbox) {
    inbox = new ReplyInbox(nc);
    inboxes.set(nc, inbox);
  }
  return inbox;
}
