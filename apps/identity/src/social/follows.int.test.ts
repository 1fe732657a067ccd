import { readEvents, registerMember, usePlatform } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

const { platform, api } = usePlatform();
const startedAt = new Date();

type Member = Awaited<ReturnType<typeof registerMember>>;
const ids = (body: { items: { userId: string }[] }) => body.items.map((i) => i.userId);
const follow = (who: Member, whom: Member) =>
  api.put(`/v1/social/follows/${whom.user.id}`, undefined, who.accessToken);

describe('privacy settings', () => {
  it('start public with activity for followers, and change as the member says', async () => {
    const member = await registerMember(api);
    expect((await api.get('/v1/me/privacy', member.accessToken)).body).toEqual({
      profile: 'public',
      activity: 'followers',
    });
    const changed = await api.put(
      '/v1/me/privacy',
      { profile: 'followers', activity: 'private' },
      member.accessToken,
    );
    expect(changed.body).toEqual({ profile: 'followers', activity: 'private' });
    expect((await api.get('/v1/me/privacy', member.accessToken)).body).toEqual(changed.body);
    const bad = await api.put(
      '/v1/me/privacy',
      { profile: 'friends', activity: 'private' },
      member.accessToken,
    );
    expect(bad.status).toBe(400);
    expect((await api.get('/v1/me/privacy', member.accessToken)).body).toEqual(changed.body);
  });
});

describe('follow requests', () => {
  it('wait for a private member’s approval, page by page, and can be approved, declined, withdrawn or removed', async () => {
    const [owner, ann, bob] = await Promise.all([
      registerMember(api),
      registerMember(api),
      registerMember(api),
    ]);
    await api.put('/v1/me/privacy', { profile: 'private', activity: 'private' }, owner.accessToken);
    expect((await follow(ann, owner)).body).toEqual({ userId: owner.user.id, status: 'pending' });
    expect((await follow(bob, owner)).body).toEqual({ userId: owner.user.id, status: 'pending' });
    // Asking again changes nothing.
    expect((await follow(ann, owner)).body).toEqual({ userId: owner.user.id, status: 'pending' });

    const first = await api.get('/v1/social/follow-requests?limit=1', owner.accessToken);
    expect(first.body.items).toHaveLength(1);
    const second = await api.get(
      `/v1/social/follow-requests?limit=1&cursor=${first.body.nextCursor}`,
      owner.accessToken,
    );
    expect([...ids(first.body), ...ids(second.body)]).toEqual([bob.user.id, ann.user.id]); // newest first
    expect(second.body.nextCursor).toBeNull();
    expect((await api.get('/v1/social/followers', owner.accessToken)).body.items).toEqual([]);

    const approved = await api.post(
      `/v1/social/follow-requests/${ann.user.id}/approve`,
      undefined,
      owner.accessToken,
    );
    expect(approved.body).toMatchObject({ userId: ann.user.id, username: ann.username, status: 'accepted' });
    expect(ids((await api.get('/v1/social/followers', owner.accessToken)).body)).toEqual([ann.user.id]);
    expect((await api.get('/v1/social/following', ann.accessToken)).body.items).toMatchObject([
      { userId: owner.user.id, status: 'accepted' },
    ]);
    expect((await api.get('/v1/social/following', bob.accessToken)).body.items).toMatchObject([
      { userId: owner.user.id, status: 'pending' },
    ]);

    expect((await api.delete(`/v1/social/follow-requests/${bob.user.id}`, owner.accessToken)).status).toBe(
      204,
    );
    const again = await api.delete(`/v1/social/follow-requests/${bob.user.id}`, owner.accessToken);
    expect([again.status, again.body.code]).toEqual([404, 'FOLLOW_REQUEST_NOT_FOUND']);
    const late = await api.post(
      `/v1/social/follow-requests/${bob.user.id}/approve`,
      undefined,
      owner.accessToken,
    );
    expect(late.status).toBe(404);
    expect((await api.get('/v1/social/following', bob.accessToken)).body.items).toEqual([]);

    // The owner removes Ann; she asks again, then withdraws.
    expect((await api.delete(`/v1/social/followers/${ann.user.id}`, owner.accessToken)).status).toBe(204);
    expect((await api.get('/v1/social/followers', owner.accessToken)).body.items).toEqual([]);
    expect((await follow(ann, owner)).body.status).toBe('pending');
    expect((await api.delete(`/v1/social/follows/${owner.user.id}`, ann.accessToken)).status).toBe(204);
    expect((await api.get('/v1/social/follow-requests', owner.accessToken)).body.items).toEqual([]);

    // Each step was announced, in the order identity made them.
    const events = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.follow.changed',
      since: startedAt,
      where: (e) => (e.data as { followeeId: string }).followeeId === owner.user.id,
      expect: 7,
    });
    const steps = events.map((e) => e.data as { reason: string; seq: number });
    expect(steps.map((s) => s.reason)).toEqual([
      'requested',
      'requested',
      'approved',
      'declined',
      'removed',
      'requested',
      'unfollowed',
    ]);
    expect(steps.map((s) => s.seq)).toEqual([...steps.map((s) => s.seq)].sort((a, b) => a - b));
  });
});

describe('lists page by page', () => {
  /** Every page of a list, `limit` 1, through its cursors. */
  async function allPages(path: string, m: Member): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await api.get(`${path}?limit=1${query}`, m.accessToken);
      expect(page.status).toBe(200);
      seen.push(...ids(page.body));
      cursor = page.body.nextCursor;
    } while (cursor);
    return seen;
  }

  it('skip no one when several were added within one millisecond', async () => {
    const [open, guarded, stranger, ...others] = (await Promise.all(
      [0, 1, 2, 3, 4, 5].map(() => registerMember(api)),
    )) as [Member, Member, Member, ...Member[]];
    await api.put('/v1/me/privacy', { profile: 'private', activity: 'private' }, guarded.accessToken);
    for (const other of others) {
      expect((await follow(other, open)).body.status).toBe('accepted');
      expect((await follow(other, guarded)).body.status).toBe('pending');
      const approved = await api.post(
        `/v1/social/follow-requests/${other.user.id}/approve`,
        undefined,
        guarded.accessToken,
      );
      expect(approved.status).toBe(200);
    }
    expect((await api.put(`/v1/social/blocks/${stranger.user.id}`, undefined, open.accessToken)).status).toBe(
      204,
    );
    // The cursor holds an instant at the API's precision (milliseconds): stored ones are no finer
    // (followed, approved, blocked), or a page's last row would hide the rows after it within its
    // millisecond.
    const db = platform.services.identity![0]!.app!.kit.db;
    const finer = await db.query(
      `SELECT 1 FROM follows WHERE followee_id = ANY($1::uuid[]) AND since <> date_trunc('milliseconds', since)
       UNION ALL SELECT 1 FROM blocks WHERE blocker_id = ANY($1::uuid[]) AND since <> date_trunc('milliseconds', since)`,
      [[open.user.id, guarded.user.id]],
    );
    expect(finer).toEqual([]);
    // Follows within one millisecond come in the order of their ids, each once.
    await db.query(`UPDATE follows SET since = '2026-11-30T10:00:00.123Z' WHERE followee_id = $1`, [
      open.user.id,
    ]);
    const byId = others
      .map((o) => o.user.id)
      .sort()
      .reverse();
    expect(await allPages('/v1/social/followers', open)).toEqual(byId);
  });
});

describe('blocks', () => {
  it('end follows both ways and keep either member from following the other until lifted', async () => {
    const [ada, ben] = await Promise.all([registerMember(api), registerMember(api)]);
    expect((await follow(ada, ben)).body.status).toBe('accepted');
    expect((await follow(ben, ada)).body.status).toBe('accepted');

    expect((await api.put(`/v1/social/blocks/${ben.user.id}`, undefined, ada.accessToken)).status).toBe(204);
    expect((await api.put(`/v1/social/blocks/${ben.user.id}`, undefined, ada.accessToken)).status).toBe(204);
    for (const m of [ada, ben]) {
      expect((await api.get('/v1/social/followers', m.accessToken)).body.items).toEqual([]);
      expect((await api.get('/v1/social/following', m.accessToken)).body.items).toEqual([]);
    }
    for (const [who, whom] of [
      [ben, ada],
      [ada, ben],
    ] as const) {
      const refused = await follow(who, whom);
      expect([refused.status, refused.body.code]).toEqual([403, 'BLOCKED']);
    }
    expect(ids((await api.get('/v1/social/blocks', ada.accessToken)).body)).toEqual([ben.user.id]);
    // The member's export holds their social data too.
    await api.put('/v1/me/privacy', { profile: 'followers', activity: 'public' }, ada.accessToken);
    const carol = await registerMember(api);
    expect((await follow(carol, ada)).body.status).toBe('pending');
    const exported = await api.get('/v1/me/export', ada.accessToken);
    expect(exported.body.social).toMatchObject({
      privacy: { profile: 'followers', activity: 'public' },
      following: [],
      followers: [{ userId: carol.user.id, status: 'pending' }],
      blocks: [{ userId: ben.user.id }],
    });

    expect((await api.delete(`/v1/social/blocks/${ben.user.id}`, ada.accessToken)).status).toBe(204);
    expect((await api.get('/v1/social/blocks', ada.accessToken)).body.items).toEqual([]);
    // Ada's profile is for followers now: Ben may ask again.
    expect((await follow(ben, ada)).body.status).toBe('pending');
  });

  it('answer bad requests with their codes', async () => {
    const member = await registerMember(api);
    const nobody = '0199a000-0000-7000-8000-000000000000';
    const cases: [string, () => Promise<{ status: number; body: { code: string } }>, number, string][] = [
      ['follow oneself', () => follow(member, member), 400, 'SELF_NOT_ALLOWED'],
      [
        'block oneself',
        () => api.put(`/v1/social/blocks/${member.user.id}`, undefined, member.accessToken),
        400,
        'SELF_NOT_ALLOWED',
      ],
      [
        'follow nobody',
        () => api.put(`/v1/social/follows/${nobody}`, undefined, member.accessToken),
        404,
        'USER_NOT_FOUND',
      ],
      [
        'block nobody',
        () => api.put(`/v1/social/blocks/${nobody}`, undefined, member.accessToken),
        404,
        'USER_NOT_FOUND',
      ],
      [
        'follow a non-id',
        () => api.put('/v1/social/follows/ben', undefined, member.accessToken),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a forged cursor',
        () => api.get('/v1/social/followers?cursor=abc', member.accessToken),
        400,
        'INVALID_CURSOR',
      ],
      ['no token', () => api.get('/v1/social/followers'), 401, 'UNAUTHENTICATED'],
    ];
    for (const [what, call, status, code] of cases) {
      const response = await call();
      expect([response.status, response.body.code], what).toEqual([status, code]);
    }
  });
});
