import type { Logger } from 'pino';
import type { PushTransport } from './push-transport.ts';

/**
 * No FCM credentials configured (`pnpm start` on a bare machine): each push is logged (never its
 * token) and counts as sent, so the inbox, events and retries behave as in production.
 */
export function consoleTransport(logger: Logger): PushTransport {
  let sent = 0;
  return {
    name: 'console',
    async send(message) {
      sent++;
      logger.info(
        { notificationId: message.notificationId, platform: message.platform, title: message.title },
        'push (console transport: no FCM configured)',
      );
      return { kind: 'sent', messageId: `console-${sent}` };
    },
    async close() {},
  };
}
