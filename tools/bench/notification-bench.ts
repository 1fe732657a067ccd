/**
 * Issue #10's benchmark: one achievement to a member with 5 devices, from the event's publication
 * to the last device's push at the FCM stand-in, p99 over MEMBERS members (target < 2 s), and the
 * sends per second at which the service saturates (a burst far beyond what it can send at once).
 * Notification runs as its own process with its production defaults (a drain every second,
 * batches of 100), through the real firebase-admin client to the stand-in in this process.
 *   NATS_URL=... DATABASE_URL=... REDIS_URL=... pnpm bench:notification
 *   MEMBERS (1000), DEVICES (5), RATE (events per second in the latency run; default: half the
 *   measured saturation, at most 50)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { analyticsEvents, notification } from '@nxg/contracts';
import { callOperation } from '@nxg/platform';
import { startFcmStandIn, startPlatform, type TestPlatform } from '@nxg/testing';

const MEMBERS = Number(process.env.MEMBERS ?? 1000);
const DEVICES = Number(process.env.DEVICES ?? 5);
const TARGET_MS = 2000;

const fcmToken = () =>
  `${randomBytes(11).toString('base64url')}:APA91b${randomBytes(100).toString('base64url')}`;

/** Registers each member's phones through notification's own operation, as the gateway would. */
async function registerDevices(platform: TestPlatform): Promise<{ userId: string; tokens: string[] }[]> {
  const gateway = platform.busAs('gateway');
  const members = Array.from({ length: MEMBERS }, () => ({
    userId: randomUUID(),
    tokens: Array.from({ length: DEVICES }, fcmToken),
  }));
  const work = members.flatMap((m) => m.tokens.map((token) => ({ userId: m.userId, token })));
  const worker = async () => {
    for (let w = work.shift(); w; w = work.shift()) {
      await callOperation(
        gateway,
        notification.registerDevice,
        { token: w.token, platform: 'android' },
        { requestId: randomUUID(), userId: w.userId, roles: ['member'], branchRoles: {} },
        { timeoutMs: 30_000 },
      );
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return members;
}

const achievement = (platform: TestPlatform, userId: string, code: string) => {
  const at = new Date().toISOString();
  return platform.publishEvent('analytics.achievement.unlocked', {
    id: randomUUID(),
    type: analyticsEvents.achievementUnlocked.type,
    source: 'analytics',
    time: at,
    subject: userId,
    dataVersion: 1,
    data: { userId, code, ruleVersion: 1, sourceEventId: randomUUID(), at },
  });
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

const fcm = await startFcmStandIn();
const platform = await startPlatform({
  processes: true,
  replicas: { identity: 0, gateway: 0, notification: 1 },
  env: { notification: { FCM_PROJECT_ID: fcm.projectId, FCM_STAND_IN_URL: fcm.url, LOG_LEVEL: 'warn' } },
});
try {
  const setupStarted = Date.now();
  const members = await registerDevices(platform);
  console.log(
    `${MEMBERS} members with ${DEVICES} devices each registered in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`,
  );

  /** Pushes of `code` the stand-in accepted, by token. */
  const deliveredOf = (code: string) => {
    const byToken = new Map<string, number>();
    for (const d of fcm.delivered()) if (d.data.code === code) byToken.set(d.token, d.at);
    return byToken;
  };

  // Saturation: every member's event at once; the stand-in's accepted sends per second between
  // the first and the last push is what the service manages flat out.
  const burstStarted = Date.now();
  await Promise.all(members.map((m) => achievement(platform, m.userId, 'streak-3')));
  const published = Date.now();
  const total = MEMBERS * DEVICES;
  let burst = deliveredOf('streak-3');
  while (burst.size < total && Date.now() - burstStarted < 600_000) {
    await sleep(250);
    burst = deliveredOf('streak-3');
  }
  const times = [...burst.values()].sort((a, b) => a - b);
  // The middle 90 % of sends: leaves out the start-up (first drain tick) and the tail.
  const from = quantile(times, 0.05);
  const to = quantile(times, 0.95);
  const saturation = (0.9 * times.length) / Math.max(0.001, (to - from) / 1000);
  console.log(
    `saturation: ${burst.size}/${total} sends in ${((times.at(-1)! - burstStarted) / 1000).toFixed(1)} s ` +
      `(events published in ${((published - burstStarted) / 1000).toFixed(1)} s); ` +
      `${saturation.toFixed(0)} sends/s over the middle 90 %`,
  );

  // Latency: one event per member at a steady rate below saturation; each member's time from
  // publication to the last of their devices' pushes at the stand-in.
  const rate = Number(process.env.RATE ?? Math.max(1, Math.min(50, Math.floor(saturation / DEVICES / 2))));
  const sentAt = new Map<string, number>();
  const latencyStarted = Date.now();
  for (let i = 0; i < members.length; i++) {
    const due = latencyStarted + (i * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    const m = members[i]!;
    sentAt.set(m.userId, Date.now());
    void achievement(platform, m.userId, 'streak-7');
  }
  let settled = deliveredOf('streak-7');
  while (settled.size < total && Date.now() - latencyStarted < 600_000) {
    await sleep(250);
    settled = deliveredOf('streak-7');
  }
  const latencies = members
    .map((m) => {
      const last = Math.max(...m.tokens.map((t) => settled.get(t) ?? Number.NaN));
      return last - sentAt.get(m.userId)!;
    })
    .filter((ms) => Number.isFinite(ms))
    .sort((a, b) => a - b);
  console.log(
    `latency, event to last of ${DEVICES} devices, ${latencies.length}/${MEMBERS} members at ${rate} events/s ` +
      `(${rate * DEVICES} sends/s): p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p99 ${quantile(latencies, 0.99).toFixed(0)} ms, ` +
      `max ${latencies.at(-1)!.toFixed(0)} ms`,
  );
  console.log(
    `target p99 < ${TARGET_MS} ms: ${latencies.length === MEMBERS && quantile(latencies, 0.99) < TARGET_MS ? 'met' : 'NOT met'}`,
  );
  const doubled = fcm.delivered().length - 2 * total;
  console.log(`pushes beyond one per device and event: ${doubled}`);
} finally {
  await platform.stop();
  await fcm.close();
}
