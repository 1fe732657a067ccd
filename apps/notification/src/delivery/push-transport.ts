/** One push to one device. */
export interface PushMessage {
  token: string;
  platform: 'ios' | 'android' | 'web';
  /** Also the collapse key: a resend after a crash replaces the first on the device instead of doubling it. */
  notificationId: string;
  title: string;
  body: string;
  data: Record<string, string>;
}

/** What became of a push: sent, the token is dead (remove the device), worth retrying, or hopeless. */
export type PushOutcome =
  | { kind: 'sent'; messageId: string }
  | { kind: 'dead-token'; reason: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'refused'; reason: string };

/** Where pushes go: FCM (or its stand-in) through firebase-admin, or the log. */
export interface PushTransport {
  readonly name: string;
  send(message: PushMessage): Promise<PushOutcome>;
  close(): Promise<void>;
}
