import { randomUUID } from 'node:crypto';
import {
  adminEnv,
  connectLive,
  openGym,
  readEvents,
  registerMember,
  usePlatform,
  waitFor,
  type Gym,
} from '@nxg/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyticsEvents, socialEvents } from '@nxg/contracts';
import { analyticsCaughtUp, envelopeOf, publishEnvelope, serviceCaughtUp } from '../test-support.ts';

const { platform, api } = usePlatform({
  replicas: { workout: 1, analytics: 1, notification: 1 },
  env: { identity: adminEnv },
});

type Member = Awaited<ReturnType<typeof registerMember>>;
type Audience = 'public' | 'followers' | 'private';
type Actor = 'owner' | 'follower' | 'stranger' | 'blocked';

let gym: Gym;
let challengeId: string;
const startedAt = new Date();
const isoDay = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  gym = await openGym(platform, 'Social');
  const created = await api.post(
    '/v1/challenges',
    {
      branchId: gym.branchId,
      name: 'Lift the most',
      metric: 'volume',
      startsAt: isoDay(-7),
      endsAt: isoDay(30),
    },
    gym.adminToken,
  );
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ status: 'running', entrants: 0, metric: 'volume', timeZone: 'UTC' });
  challengeId = created.body.id;
});

/** Nothing waits in a service's outbox: what it committed is on its stream. */
const relayed = (service: string) =>
  waitFor(async () => {
    const db = platform.services[service]![0]!.app!.kit.db;
    return (await db.query('SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT 1')).length === 0;
  });
/** Identity's and workout's changes are on their streams, and analytics has applied them (and its own). */
const caughtUp = async () => {
  await Promise.all(['identity', 'workout', 'analytics'].map(relayed));
  await waitFor(() => analyticsCaughtUp(platform.nc));
  await relayed('analytics');
  await waitFor(() => analyticsCaughtUp(platform.nc));
  await waitFor(() => serviceCaughtUp(platform.nc, 'notification'));
};
const feedOf = async (m: Member) => {
  const response = await api.get('/v1/social/feed?limit=50', m.accessToken);
  expect(response.status).toBe(200);
  return response.body.items as {
    id: string;
    userId: string;
    kind: string;
    title: string;
    kudos: number;
    kudosGiven: boolean;
  }[];
};
const inboxOf = async (m: Member) =>
  (await api.get('/v1/notifications?limit=100', m.accessToken)).body.items as {
    kind: string;
    data: Record<string, string>;
  }[];
const inboxKinds = async (m: Member) =>
  ((await api.get('/v1/notifications', m.accessToken)).body.items as { kind: string }[]).map((n) => n.kind);

/** A member who trained at the gym: checked in and logged a set, so they have a first-workout achievement. */
async function trainedMember(name: string): Promise<Member> {
  const member = await registerMember(api, { name });
  expect(
    (await api.post('/v1/sessions/check-in', { branchId: gym.branchId }, member.accessToken)).status,
  ).toBe(201);
  const logged = await api.post(
    '/v1/workouts/logs',
    { exerciseId: 'deadlift', weightKg: 100, reps: 5 },
    member.accessToken,
  );
  expect(logged.status).toBe(201);
  return member;
}

interface Cast {
  owner: Member;
  follower: Member;
  stranger: Member;
  blocked: Member;
  itemId: string;
}

/**
 * An owner with an achievement in the feed, followed by `follower` and (until the owner blocked
 * them) by `blocked`, entered in the gym's challenge; then the owner's privacy becomes `audience`
 * — after the item was made, so the setting must apply to past items.
 */
async function castFor(audience: Audience): Promise<Cast> {
  const [follower, stranger, blocked] = await Promise.all(
    ['Follower', 'Stranger', 'Blocked'].map((role) =>
      registerMember(api, { name: `${role} of ${audience}` }),
    ),
  );
  const owner = await trainedMember(`Owner ${audience}`);
  for (const fan of [follower!, blocked!]) {
    const followed = await api.put(`/v1/social/follows/${owner.user.id}`, undefined, fan.accessToken);
    expect(followed.body).toEqual({ userId: owner.user.id, status: 'accepted' });
  }
  const item = await waitFor(async () => (await feedOf(owner)).find((i) => i.kind === 'achievement'));
  await waitFor(
    async () =>
      (await api.post(`/v1/challenges/${challengeId}/join`, undefined, owner.accessToken)).status === 200,
  );
  expect((await api.put(`/v1/social/blocks/${blocked!.user.id}`, undefined, owner.accessToken)).status).toBe(
    204,
  );
  const privacy = await api.put(
    '/v1/me/privacy',
    { profile: audience, activity: audience },
    owner.accessToken,
  );
  expect(privacy.body).toEqual({ profile: audience, activity: audience });
  await caughtUp();
  return { owner, follower: follower!, stranger: stranger!, blocked: blocked!, itemId: item.id };
}

/** What each of them may do with the owner's things, by the owner's privacy. */
const allowed: Record<
  Audience,
  Record<
    Actor,
    { seesItem: boolean; kudos: number; seesName: boolean; follow: number | 'accepted' | 'pending' }
  >
> = {
  public: {
    owner: { seesItem: true, kudos: 409, seesName: true, follow: 400 },
    follower: { seesItem: true, kudos: 200, seesName: true, follow: 'accepted' },
    stranger: { seesItem: false, kudos: 200, seesName: true, follow: 'accepted' },
    blocked: { seesItem: false, kudos: 404, seesName: false, follow: 403 },
  },
  followers: {
    owner: { seesItem: true, kudos: 409, seesName: true, follow: 400 },
    follower: { seesItem: true, kudos: 200, seesName: true, follow: 'accepted' },
    stranger: { seesItem: false, kudos: 404, seesName: true, follow: 'pending' },
    blocked: { seesItem: false, kudos: 404, seesName: false, follow: 403 },
  },
  private: {
    owner: { seesItem: true, kudos: 409, seesName: true, follow: 400 },
    follower: { seesItem: false, kudos: 404, seesName: true, follow: 'accepted' },
    stranger: { seesItem: false, kudos: 404, seesName: true, follow: 'pending' },
    blocked: { seesItem: false, kudos: 404, seesName: false, follow: 403 },
  },
};
const actors: Actor[] = ['owner', 'follower', 'stranger', 'blocked'];
const casts = {} as Record<Audience, Cast>;

describe.each(['public', 'followers', 'private'] as const)('an owner whose privacy is %s', (audience) => {
  beforeAll(async () => {
    casts[audience] = await castFor(audience);
  });

  it.each(actors)('the %s sees and may do exactly what the settings allow', async (actor) => {
    const cast = casts[audience];
    const me = cast[actor];
    const rule = allowed[audience][actor];

    const shown = (await feedOf(me)).some((i) => i.id === cast.itemId);
    expect(shown, 'the owner’s item in their feed').toBe(rule.seesItem);

    // Taking back kudos never given: allowed wherever the item may be seen (the owner's included).
    const untaken = await api.delete(`/v1/social/feed/${cast.itemId}/kudos`, me.accessToken);
    expect(untaken.status, 'take kudos back').toBe(rule.kudos === 409 ? 200 : rule.kudos);

    const kudos = await api.put(`/v1/social/feed/${cast.itemId}/kudos`, undefined, me.accessToken);
    expect(kudos.status, 'kudos').toBe(rule.kudos);
    if (rule.kudos === 200) expect(kudos.body).toMatchObject({ itemId: cast.itemId, kudosGiven: true });
    if (rule.kudos === 404) expect(kudos.body.code).toBe('FEED_ITEM_NOT_FOUND');
    if (rule.kudos === 409) expect(kudos.body.code).toBe('KUDOS_OWN_ITEM');

    type Entry = { userId: string | null; displayName: string | null };
    /** The owner on a board, by id or by name (a blocked member finds neither). */
    const findsOwner = (items: Entry[]) =>
      items.some((s) => s.userId === cast.owner.user.id || s.displayName === cast.owner.name);
    const board = await api.get(`/v1/challenges/${challengeId}/leaderboard?limit=100`, me.accessToken);
    expect(board.status).toBe(200);
    const named = findsOwner(board.body.items);
    const ranks = board.body.items.map((s: { rank: number }) => s.rank);
    expect(named, 'the owner’s name on the leaderboard').toBe(rule.seesName);
    // The rank stays either way: the list has no holes.
    expect(ranks).toEqual(ranks.map((_: number, i: number) => i + 1));
    if (!rule.seesName) {
      expect(
        board.body.items.some(
          (s: { userId: string | null; displayName: string | null }) =>
            s.userId === null && s.displayName === null,
        ),
      ).toBe(true);
    }

    const branchBoard = await api.get(
      `/v1/leaderboards/branches/${gym.branchId}?period=week&limit=100`,
      me.accessToken,
    );
    expect(branchBoard.status).toBe(200);
    expect(findsOwner(branchBoard.body.items), 'the owner’s name on the branch leaderboard').toBe(
      rule.seesName,
    );
    if (!rule.seesName) {
      const hidden = branchBoard.body.items.filter((s: Entry) => s.userId === null);
      expect(hidden, 'a rank without a name').toEqual([expect.objectContaining({ displayName: null })]);
    }

    const following = await api.get('/v1/social/following', me.accessToken);
    expect(following.status).toBe(200);
    expect(
      following.body.items.some((f: { userId: string }) => f.userId === cast.owner.user.id),
      'the owner in their following list',
    ).toBe(actor === 'follower');

    // Only the owner trained at the gym: the others may see its challenges but not join them.
    const join = await api.post(`/v1/challenges/${challengeId}/join`, undefined, me.accessToken);
    expect(join.status, 'join the challenge').toBe(actor === 'owner' ? 200 : 403);
    const listed = await api.get(`/v1/challenges?branchId=${gym.branchId}`, me.accessToken);
    expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(challengeId);

    const follow = await api.put(`/v1/social/follows/${cast.owner.user.id}`, undefined, me.accessToken);
    if (typeof rule.follow === 'number') expect(follow.status, 'follow').toBe(rule.follow);
    else expect(follow.body).toEqual({ userId: cast.owner.user.id, status: rule.follow });
  });

  it('lists the follower, not the blocked member, whose follow the block ended', async () => {
    const { owner, follower, blocked } = casts[audience];
    const followers = await api.get('/v1/social/followers', owner.accessToken);
    const ids = followers.body.items.map((f: { userId: string }) => f.userId);
    expect(ids).toContain(follower.user.id);
    expect(ids).not.toContain(blocked.user.id);
    const theirs = await api.get('/v1/social/following', blocked.accessToken);
    expect(theirs.body.items).toEqual([]);
    // A stranger's follow of a non-public profile waits for approval.
    const requests = await api.get('/v1/social/follow-requests', owner.accessToken);
    expect(requests.body.items.length).toBe(audience === 'public' ? 0 : 1);
  });
});

describe('challenges', () => {
  it('are opened by the branch’s staff only, with calendar dates in order', async () => {
    const member = casts.public.follower;
    const body = {
      branchId: gym.branchId,
      name: 'Minutes',
      metric: 'minutes',
      startsAt: isoDay(-1),
      endsAt: isoDay(1),
    };
    expect((await api.post('/v1/challenges', body, member.accessToken)).status).toBe(403);
    const reversed = await api.post('/v1/challenges', { ...body, startsAt: isoDay(2) }, gym.adminToken);
    expect([reversed.status, reversed.body.code]).toEqual([400, 'CHALLENGE_DATES_INVALID']);
    const noSuchDay = await api.post('/v1/challenges', { ...body, startsAt: '2026-02-30' }, gym.adminToken);
    expect([noSuchDay.status, noSuchDay.body.code]).toEqual([400, 'INVALID_DATE']);
    const nowhere = await api.post(
      '/v1/challenges',
      { ...body, branchId: '0199a000-0000-7000-8000-000000000000' },
      gym.adminToken,
    );
    expect([nowhere.status, nowhere.body.code]).toEqual([404, 'BRANCH_NOT_FOUND']);
    // Sent twice with one Idempotency-Key (a retry after a lost answer): one challenge.
    const send = () =>
      api.send('POST', '/v1/challenges', {
        body,
        token: gym.adminToken,
        headers: { 'idempotency-key': `minutes-${gym.branchId}` },
      });
    const [first, retried] = [await send(), await send()];
    expect([first.status, retried.status]).toEqual([201, 201]);
    expect(retried.body.id).toBe(first.body.id);
  });

  it('run over whole days of the branch’s time zone, across a change of its clock', async () => {
    const branch = await api.post(
      '/v1/branches',
      { name: `Auckland ${Date.now()}`, address: '1 Queen Street', timezone: 'Pacific/Auckland' },
      gym.adminToken,
    );
    expect(branch.status).toBe(201);
    // New Zealand's summer time ends on 4 April 2027: the first midnight is UTC+13, the last UTC+12.
    const created = await api.post(
      '/v1/challenges',
      {
        branchId: branch.body.id,
        name: 'Autumn',
        metric: 'sessions',
        startsAt: '2027-03-27',
        endsAt: '2027-04-04',
      },
      gym.adminToken,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      timeZone: 'Pacific/Auckland',
      opensAt: '2027-03-26T11:00:00.000Z',
      closesAt: '2027-04-04T12:00:00.000Z',
    });
  });

  it('are joined by members who train at the branch, once, and listed page by page', async () => {
    const { owner, stranger } = casts.public;
    const notHere = await api.post(`/v1/challenges/${challengeId}/join`, undefined, stranger.accessToken);
    expect([notHere.status, notHere.body.code]).toEqual([403, 'NOT_BRANCH_MEMBER']);
    const unknown = await api.post(
      '/v1/challenges/0199a000-0000-7000-8000-000000000000/join',
      undefined,
      owner.accessToken,
    );
    expect([unknown.status, unknown.body.code]).toEqual([404, 'CHALLENGE_NOT_FOUND']);
    const again = await api.post(`/v1/challenges/${challengeId}/join`, undefined, owner.accessToken);
    expect(again.body).toMatchObject({ id: challengeId, joined: true, entrants: 3 });

    const first = await api.get(`/v1/challenges?branchId=${gym.branchId}&limit=1`, owner.accessToken);
    expect(first.body.items).toHaveLength(1);
    const second = await api.get(
      `/v1/challenges?branchId=${gym.branchId}&limit=1&cursor=${first.body.nextCursor}`,
      owner.accessToken,
    );
    const both = [...first.body.items, ...second.body.items];
    expect(both.map((c: { name: string }) => c.name).sort()).toEqual(['Lift the most', 'Minutes']);
    expect(both.find((c: { id: string }) => c.id === challengeId)).toMatchObject({
      joined: true,
      status: 'running',
    });

    // Live standings: each owner lifted 100 kg × 5 in the challenge's days.
    const board = await api.get(`/v1/challenges/${challengeId}/leaderboard`, owner.accessToken);
    expect(board.body).toMatchObject({ final: false, me: { value: 500 } });
  });
});

describe('kudos', () => {
  it('count once per member however often given, and can be taken back', async () => {
    const { owner, follower, stranger, itemId } = casts.public;
    const again = await api.put(`/v1/social/feed/${itemId}/kudos`, undefined, follower.accessToken);
    expect(again.body).toEqual({ itemId, kudos: 2, kudosGiven: true }); // the follower's and the stranger's
    const item = (await feedOf(owner)).find((i) => i.id === itemId)!;
    expect(item).toMatchObject({ kudos: 2, kudosGiven: false });
    const taken = await api.delete(`/v1/social/feed/${itemId}/kudos`, stranger.accessToken);
    expect(taken.body).toEqual({ itemId, kudos: 1, kudosGiven: false });
    await waitFor(async () => (await inboxKinds(owner)).filter((k) => k === 'social.kudos').length === 2);
    // Given again after being taken back: counted again, but the owner is not told twice.
    const regiven = await api.put(`/v1/social/feed/${itemId}/kudos`, undefined, stranger.accessToken);
    expect(regiven.body).toEqual({ itemId, kudos: 2, kudosGiven: true });
    await caughtUp();
    // The owner was told once per member who gave kudos, however often they gave them.
    expect((await inboxKinds(owner)).filter((k) => k === 'social.kudos')).toHaveLength(2);
  });
});

describe('notifications', () => {
  it('tell of new followers, follow requests and approvals', async () => {
    const { owner: open } = casts.public;
    const { owner: guarded, stranger } = casts.followers;
    await waitFor(async () => (await inboxKinds(open)).includes('social.new_follower'));
    await waitFor(async () => (await inboxKinds(guarded)).includes('social.follow_request'));
    const approved = await api.post(
      `/v1/social/follow-requests/${stranger.user.id}/approve`,
      undefined,
      guarded.accessToken,
    );
    expect(approved.body).toMatchObject({ userId: stranger.user.id, status: 'accepted' });
    await waitFor(async () => (await inboxKinds(stranger)).includes('social.follow_approved'));
  });

  it('tell each entrant their place when a challenge’s standings freeze', async () => {
    const { owner } = casts.public;
    const result = {
      challengeId,
      branchId: gym.branchId,
      name: 'Lift the most',
      metric: 'volume' as const,
      userId: owner.user.id,
      rank: 2,
      value: 500,
      entrants: 3,
      at: new Date().toISOString(),
    };
    const envelope = envelopeOf(socialEvents.challengeResult, result);
    await publishEnvelope(platform, envelope);
    await publishEnvelope(platform, envelope, { msgId: `${envelope.id}-again` });
    const inbox = await waitFor(async () => {
      const items = (await api.get('/v1/notifications', owner.accessToken)).body.items as {
        kind: string;
        body: string;
      }[];
      return items.some((n) => n.kind === 'challenge.result') && items;
    });
    expect(inbox.filter((n) => n.kind === 'challenge.result')).toMatchObject([
      { body: 'You finished 2nd of 3.' },
    ]);
  });
});

describe('finished workouts', () => {
  it('reach followers’ feeds when the member checks out', async () => {
    const { owner, follower } = casts.public;
    expect((await api.post('/v1/sessions/check-out', undefined, owner.accessToken)).status).toBe(200);
    const item = await waitFor(async () =>
      (await feedOf(follower)).find((i) => i.userId === owner.user.id && i.kind === 'workout'),
    );
    expect(item).toMatchObject({ kudos: 0, kudosGiven: false });
  });
});

describe('the feed', () => {
  it('comes page by page through its cursor, newest first, each item once', async () => {
    const { follower } = casts.public;
    const whole = await feedOf(follower);
    expect(whole.length).toBeGreaterThanOrEqual(2); // the owner's achievement and finished workout
    const paged: typeof whole = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await api.get(`/v1/social/feed?limit=1${query}`, follower.accessToken);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged.map((i) => i.id)).toEqual(whole.map((i) => i.id));
    const times = paged.map((i) => (i as unknown as { at: string }).at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('answers a cursor it did not give out with 400, whatever it holds', async () => {
    const { follower } = casts.public;
    const forged = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
    for (const cursor of ['garbage', forged([1, 2, 3])]) {
      const page = await api.get(`/v1/social/feed?cursor=${cursor}`, follower.accessToken);
      expect([page.status, page.body.code], cursor).toEqual([400, 'INVALID_CURSOR']);
    }
    // Well formed but no instant: the database's refusal is the caller's 400 too, not a 500.
    const noTime = await api.get(
      `/v1/social/feed?cursor=${forged(['not a time', 'x'])}`,
      follower.accessToken,
    );
    expect([noTime.status, noTime.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('privacy changes apply to what was already in the feed', () => {
  it('hides and shows past items as the owner’s activity setting changes, for followers and the live feed', async () => {
    const { owner, follower, itemId } = casts.private;
    expect((await feedOf(follower)).some((i) => i.id === itemId)).toBe(false);
    await api.put('/v1/me/privacy', { profile: 'private', activity: 'followers' }, owner.accessToken);
    await caughtUp();
    expect((await feedOf(follower)).some((i) => i.id === itemId)).toBe(true);

    // A new item reaches the follower's live feed at once, and no one's the owner keeps it from.
    const { blocked, stranger } = casts.private;
    const live = connectLive(platform.gatewayUrl, follower.accessToken);
    const others = [blocked, stranger].map((m) => connectLive(platform.gatewayUrl, m.accessToken));
    await Promise.all([live, ...others].map((socket) => socket.next((m) => m.type === 'ready')));
    await api.post(
      '/v1/workouts/logs',
      { exerciseId: 'deadlift', weightKg: 120, reps: 5 },
      owner.accessToken,
    );
    // The heavier set is a record, and the owner's first record unlocks an achievement: two items.
    const pushed = await live.next(
      (m) => m.type === 'feed.item' && (m.data as { kind: string }).kind === 'record',
      15_000,
    );
    expect(pushed.data).toMatchObject({
      userId: owner.user.id,
      kind: 'record',
      title: 'New heaviest set in Barbell deadlift: 120 kg',
    });
    // Analytics has sent all it will send; what it sent has had time to cross the gateway.
    await caughtUp();
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const socket of others) {
      expect(socket.received.filter((m) => m.type === 'feed.item')).toEqual([]);
      socket.close();
    }
    live.close();
  });
});

describe('the live feed after an outage', () => {
  it('does not push items whose events are no longer news, though they are in the feed', async () => {
    const { owner, follower } = casts.public;
    const live = connectLive(platform.gatewayUrl, follower.accessToken);
    await live.next((m) => m.type === 'ready');
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const unlocked = envelopeOf(analyticsEvents.achievementUnlocked, {
      userId: owner.user.id,
      code: 'streak-30',
      ruleVersion: 1,
      sourceEventId: randomUUID(),
      at: hourAgo,
    });
    await publishEnvelope(platform, { ...unlocked, time: hourAgo });
    await waitFor(async () =>
      (await feedOf(follower)).some((i) => i.title === 'Unlocked “A month in a row”'),
    );
    await caughtUp();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(live.received.filter((m) => m.type === 'feed.item')).toEqual([]);
    live.close();
  });
});

describe('redelivered and replayed events', () => {
  it('change nothing: an old follow does not come back, an old privacy setting does not hide again, an achievement is in the feed once', async () => {
    const { owner, blocked, itemId } = casts.followers;
    const [oldFollow] = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.follow.changed',
      since: startedAt,
      where: (e) => {
        const d = e.data as { followerId: string; followeeId: string; status: string };
        return d.followerId === blocked.user.id && d.followeeId === owner.user.id && d.status === 'accepted';
      },
      expect: 1,
    });
    const [achievement] = await readEvents(platform.nc, {
      stream: 'ANALYTICS',
      subject: 'analytics.achievement.unlocked',
      since: startedAt,
      where: (e) => (e.data as { userId: string }).userId === owner.user.id,
      expect: 1,
    });
    // The private owner's first setting, long since changed to activity for followers.
    const hidden = casts.private;
    const [oldPrivacy] = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.privacy.changed',
      since: startedAt,
      where: (e) => {
        const d = e.data as { userId: string; activity: string };
        return d.userId === hidden.owner.user.id && d.activity === 'private';
      },
      expect: 1,
    });
    expect((await feedOf(hidden.follower)).some((i) => i.id === hidden.itemId)).toBe(true);
    await publishEnvelope(platform, oldFollow!, { msgId: `${oldFollow!.id}-replayed` });
    await publishEnvelope(platform, achievement!, { msgId: `${achievement!.id}-replayed` });
    await publishEnvelope(platform, oldPrivacy!, { msgId: `${oldPrivacy!.id}-replayed` });
    // The public owner's set and finished session, handed over again, do not count twice.
    const lifter = casts.public.owner;
    const standing = async () =>
      (await api.get(`/v1/challenges/${challengeId}/leaderboard`, lifter.accessToken)).body.me;
    const before = await standing();
    expect(before).toMatchObject({ value: 500 });
    for (const subject of ['workout.exercise.logged', 'workout.session.ended']) {
      const [event] = await readEvents(platform.nc, {
        stream: 'WORKOUT',
        subject,
        since: startedAt,
        where: (e) => (e.data as { userId: string }).userId === lifter.user.id,
        expect: 1,
      });
      await publishEnvelope(platform, event!, { msgId: `${event!.id}-replayed` });
    }
    await caughtUp();
    expect(await standing()).toEqual(before);
    const workouts = (await feedOf(lifter)).filter((i) => i.kind === 'workout');
    expect(workouts).toHaveLength(1);
    expect((await feedOf(hidden.follower)).some((i) => i.id === hidden.itemId)).toBe(true);
    expect((await feedOf(blocked)).some((i) => i.userId === owner.user.id)).toBe(false);
    expect((await api.put(`/v1/social/feed/${itemId}/kudos`, undefined, blocked.accessToken)).status).toBe(
      404,
    );
    expect((await feedOf(owner)).filter((i) => i.kind === 'achievement')).toHaveLength(1);
  });
});

/** Analytics' social tables that hold a row mentioning `id`. */
async function socialTraces(id: string): Promise<string[]> {
  const db = platform.services.analytics![0]!.app!.kit.db;
  const found: string[] = [];
  for (const table of socialTables) {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} t WHERE t::text LIKE $1`,
      [`%${id}%`],
    );
    if (row!.n > 0) found.push(table);
  }
  return found;
}
const socialTables = [
  'social_privacy',
  'social_follows',
  'social_blocks',
  'feed_items',
  'feed_kudos',
  'challenge_entrants',
  'challenge_standings',
  'challenges',
];

describe('erasure', () => {
  it('takes an erased member out of follows, feeds, kudos and challenges', async () => {
    const { owner, follower, itemId } = casts.public;
    const kudosGiver = casts.followers.follower;
    // The owner gave kudos somewhere too: the guarded owner's item, seen as a follower now.
    const { owner: guarded, itemId: guardedItem } = casts.followers;
    expect(
      (await api.put(`/v1/social/follows/${guarded.user.id}`, undefined, owner.accessToken)).body.status,
    ).toBe('pending');
    await api.post(`/v1/social/follow-requests/${owner.user.id}/approve`, undefined, guarded.accessToken);
    await caughtUp();
    expect(
      (await api.put(`/v1/social/feed/${guardedItem}/kudos`, undefined, owner.accessToken)).body.kudos,
    ).toBeGreaterThan(0);
    expect(await socialTraces(owner.user.id)).not.toEqual([]);
    const before = (await feedOf(guarded)).find((i) => i.id === guardedItem)!.kudos;
    // The guarded owner was told of the request and the kudos, each naming the member.
    const naming = async () =>
      (await inboxOf(guarded))
        .filter((n) => Object.values(n.data).includes(owner.user.id))
        .map((n) => n.kind)
        .sort();
    await waitFor(async () => (await naming()).length === 2);
    expect(await naming()).toEqual(['social.follow_request', 'social.kudos']);

    expect((await api.delete('/v1/me', owner.accessToken)).status).toBe(204);
    await waitFor(async () => (await socialTraces(owner.user.id)).length === 0, 20_000);
    // A follow of the erased member that JetStream hands analytics again brings nothing back.
    const [follow] = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.follow.changed',
      since: startedAt,
      where: (e) => (e.data as { followeeId: string }).followeeId === owner.user.id,
      expect: 1,
    });
    // Nor does their kudos, told again: no notice names an erased member.
    const [kudos] = await readEvents(platform.nc, {
      stream: 'ANALYTICS',
      subject: 'analytics.kudos.given',
      since: startedAt,
      where: (e) => (e.data as { fromUserId: string }).fromUserId === owner.user.id,
      expect: 1,
    });
    await publishEnvelope(platform, follow!, { msgId: `${follow!.id}-after-erasure` });
    await publishEnvelope(platform, kudos!, { msgId: `${kudos!.id}-after-erasure` });
    await caughtUp();
    expect(await socialTraces(owner.user.id)).toEqual([]);
    expect(await naming()).toEqual([]);
    expect((await feedOf(follower)).some((i) => i.userId === owner.user.id)).toBe(false);
    expect((await api.put(`/v1/social/feed/${itemId}/kudos`, undefined, kudosGiver.accessToken)).status).toBe(
      404,
    );
    expect((await feedOf(guarded)).find((i) => i.id === guardedItem)!.kudos).toBe(before - 1);
    const following = await api.get('/v1/social/following', follower.accessToken);
    expect(following.body.items.map((f: { userId: string }) => f.userId)).not.toContain(owner.user.id);
    const followers = await api.get('/v1/social/followers', guarded.accessToken);
    expect(followers.body.items.map((f: { userId: string }) => f.userId)).not.toContain(owner.user.id);
    const board = await api.get(`/v1/challenges/${challengeId}/leaderboard?limit=100`, follower.accessToken);
    expect(board.body.items.map((s: { userId: string }) => s.userId)).not.toContain(owner.user.id);
  });
});
