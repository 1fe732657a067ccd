import type { Database } from '@nxg/platform';
import type { Logger } from 'pino';
import type { NotificationConfig } from './config.ts';
import type { PushTransport } from './delivery/push-transport.ts';
import type { LiveFeed } from './inbox/live-feed.ts';

/** What notification's features work with, assembled once by the service's context. */
export interface NotificationDeps {
  config: NotificationConfig;
  db: Database;
  logger: Logger;
  /** FCM (or its stand-in) through firebase-admin, or the log when no FCM is configured. */
  push: PushTransport;
  /** The member's live feed: every notification, pushed or not. */
  live: LiveFeed;
  /** Sends a just-stored notification's pushes now rather than at the next drain tick. */
  deliverNow: () => void;
}
