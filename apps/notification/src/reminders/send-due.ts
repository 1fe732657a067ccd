import type { Database } from '@nxg/platform';
import { createNotification } from '../inbox/inbox-store.ts';
import { notifying, type LiveFeed } from '../inbox/live-feed.ts';
import { latestOccurrence, nextOccurrence } from './occurrences.ts';
import { claimDueReminders, moveReminder } from './reminder-store.ts';

export interface SendDueOptions {
  db: Database;
  live: LiveFeed;
  deliverNow: () => void;
  /** A missed occurrence older than this is skipped (after downtime: no flood of stale reminders). */
  graceMs: number;
  batchSize: number;
  now?: Date;
}

/**
 * One round of the scheduler, safe on any number of replicas: claims due reminders (SKIP LOCKED),
 * makes the notification of each one's latest occurrence if it is within the grace window —
 * keyed `reminder:<which>:<local date>`, so it is made once whoever runs it and however often —
 * and moves each to its next occurrence after now, all in one transaction. However long the
 * service was down, a reminder yields at most one notification (its latest missed day).
 * Quiet hours defer the push (createNotification), never the reminder itself.
 * Returns how many reminders were due.
 */
export async function sendDueReminders(options: SendDueOptions): Promise<number> {
  const now = options.now ?? new Date();
  return notifying(options, async (tx, made) => {
    const due = await claimDueReminders(tx, now, options.batchSize);
    for (const row of due) {
      const { spec } = row;
      const latest = latestOccurrence(spec, now);
      if (latest && now.getTime() - latest.at.getTime() <= options.graceMs) {
        const notification = await createNotification(
          tx,
          {
            userId: row.user_id,
            category: spec.category,
            kind: spec.kind,
            title: spec.title,
            body: spec.body,
            data: { ...spec.data, reminder: spec.reminder, localDate: latest.localDate },
            sourceEventId: `reminder:${spec.reminder}:${latest.localDate}`,
          },
          now,
        );
        if (notification) made.push({ userId: row.user_id, notification });
      }
      await moveReminder(tx, row, nextOccurrence(spec, now));
    }
    return due.length;
  });
}
