import { describe, expect, it } from 'vitest';
import { migratedIdentityDatabase } from '../identity-database.test-support.ts';
import { pruneWebhookRecords } from './scan-webhooks.ts';

const db = await migratedIdentityDatabase();

describe('the record of received scan webhooks', () => {
  it('forgets ids older than a day and keeps the recent ones (a replay of those is still refused)', async () => {
    await db.query(
      `INSERT INTO scan_webhooks (provider, webhook_id, received_at) VALUES
         ('scanner', 'msg_old', now() - interval '25 hours'),
         ('scanner', 'msg_recent', now() - interval '10 minutes'),
         ('scanner', 'msg_now', now())`,
    );
    expect(await pruneWebhookRecords(db)).toBe(1);
    const kept = await db.query<{ webhook_id: string }>('SELECT webhook_id FROM scan_webhooks ORDER BY 1');
    expect(kept.map((r) => r.webhook_id)).toEqual(['msg_now', 'msg_recent']);
  });
});
