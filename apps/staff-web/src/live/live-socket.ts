export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface LiveMessage {
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export interface LiveSocketOptions {
  branchId: string;
  /** A current access token; called before every (re)connect. */
  token: () => Promise<string>;
  /** The token was refused (4401): get a fresh one before the next try. */
  refresh: () => Promise<boolean>;
  onMessage: (message: LiveMessage) => void;
  /** The feed is subscribed (its `ready` message): load the state it will keep current. */
  onReady: () => void;
  onState: (state: LiveState) => void;
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;
/** Close codes the gateway uses: 4401 token missing/expired/revoked, 4403 not this branch's staff. */
const UNAUTHORIZED = 4401;
const FORBIDDEN = 4403;

/**
 * `/v1/live?branchId=`, kept open: the token travels as `Sec-WebSocket-Protocol: bearer, <token>`
 * (never in the URL). A dropped socket is reopened with exponential backoff and jitter, and each
 * (re)connection reloads the board once the feed says it is ready, so nothing missed while away
 * stays wrong.
 */
export class LiveSocket {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly options: LiveSocketOptions;

  constructor(options: LiveSocketOptions) {
    this.options = options;
  }

  start(): void {
    this.options.onState('connecting');
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close(1000, 'leaving');
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let token: string;
    try {
      token = await this.options.token();
    } catch {
      return this.retry();
    }
    if (this.stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}/v1/live?branchId=${encodeURIComponent(this.options.branchId)}`;
    const socket = new WebSocket(url, ['bearer', token]);
    this.socket = socket;
    socket.onmessage = (event) => {
      let message: LiveMessage;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      if (message.type === 'ready') {
        this.attempt = 0;
        this.options.onState('live');
        this.options.onReady();
      } else this.options.onMessage(message);
    };
    socket.onclose = async (event) => {
      if (this.socket !== socket || this.stopped) return;
      if (event.code === FORBIDDEN) return this.options.onState('refused');
      // The feed lives no longer than its token: with a fresh one, reopen at once, quietly.
      if (event.code === UNAUTHORIZED && this.attempt === 0 && (await this.options.refresh())) {
        this.attempt = 1; // a second refusal in a row goes through the backoff
        return void this.connect();
      }
      this.retry();
    };
  }

  private retry(): void {
    if (this.stopped) return;
    this.options.onState('reconnecting');
    const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.attempt);
    this.attempt += 1;
    // Full jitter: many desks reconnecting after a gateway restart do not arrive together.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.timer = setTimeout(() => void this.connect(), delay);
  }
}
