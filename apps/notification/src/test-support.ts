import { randomBytes, randomUUID } from 'node:crypto';
import { streams, type EventDefinition } from '@nxg/contracts';
import type { Database } from '@nxg/platform';
import { registerMember, type ApiClient, type FcmStandIn, type TestPlatform } from '@nxg/testing';
import pino from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { drainOnce } from './delivery/drain.ts';
import { fcmTransport } from './delivery/fcm-transport.ts';

/** A token shaped like FCM's (about 160 characters of letters, digits, `-_:`). */
export const fcmToken = () =>
  `${randomBytes(11).toString('base64url')}:APA91b${randomBytes(100).toString('base64url')}`;

export type Member = Awaited<ReturnType<typeof registerMember>>;

/** A member with `devices` registered phones. */
export async function memberWithDevices(api: ApiClient, devices: number) {
  const member = await registerMember(api);
  const tokens = Array.from({ length: devices }, fcmToken);
  const ids: string[] = [];
  for (const token of tokens) {
    const answer = await api.post(
      '/v1/notifications/devices',
      { token, platform: 'android' },
      member.accessToken,
    );
    if (answer.status !== 201) throw new Error(`device registration answered ${answer.status}`);
    ids.push(answer.body.id as string);
  }
  return { member, tokens, ids };
}

/**
 * Publishes an event as its owner would, signed as the stream's owner (consumers drop anything
 * else); the same `id` again is the same event redelivered (under another message id).
 */
export async function publishEvent<E extends EventDefinition>(
  platform: TestPlatform,
  event: E,
  natsSubject: string,
  userId: string,
  data: Record<string, unknown>,
  id = uuidv7(),
) {
  const envelope = {
    id,
    type: event.type,
    source: streams.find((s) => s.name === event.stream)!.owner,
    time: new Date().toISOString(),
    subject: userId,
    dataVersion: event.dataVersion,
    data,
  };
  await platform.publishEvent(natsSubject, envelope, { msgId: randomUUID() });
  return envelope;
}

/** The device token of a request the FCM stand-in recorded. */
export const tokenOf = (request: { body: unknown }) =>
  (request.body as { message?: { token?: string } })?.message?.token;

export const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One round of the push drain on the service's database with the clock held at `now` (hours
 * ahead: the end of a member's quiet period), sending through the real firebase-admin client to
 * the stand-in. The service's own drain, on the real clock, leaves such rows alone until then.
 */
export async function drainAt(db: Database, fcm: FcmStandIn, now: Date): Promise<number> {
  const push = fcmTransport({ kind: 'stand-in', projectId: fcm.projectId, url: fcm.url });
  try {
    return await drainOnce({
      db,
      push,
      logger: pino({ level: 'silent' }),
      batchSize: 100,
      maxAttempts: 3,
      backoff: { baseMs: 200, maxMs: 2000 },
      leaseS: 60,
      memberLimit: { count: 100, windowS: 60 },
      now,
    });
  } finally {
    await push.close();
  }
}

/** The start of the minute `ms` from now: where a quiet period given as `HH:MM` ends. */
export const wholeMinuteIn = (ms: number) => new Date(Math.floor((Date.now() + ms) / 60_000) * 60_000);
