import Type from 'typebox';
import { defineOperation } from '../operation.ts';
import { AnalyticsErrors } from '../analytics/errors.ts';
import { IdentityErrors } from '../identity/errors.ts';
import { Id, page, Pagination } from '../identity/schemas.ts';
import { SocialErrors as E } from './errors.ts';
import {
  BlockEntry,
  Challenge,
  ChallengeBody,
  ChallengeLeaderboard,
  FeedItem,
  FollowEntry,
  FollowResult,
  KudosState,
  PrivacySettings,
} from './schemas.ts';

const humans = ['member'] as const;
const aMember = Type.Object({ userId: Id }, { additionalProperties: false });
const pageQuery = Type.Object(Pagination, { additionalProperties: false });

// Identity: follows, follow requests, blocks and privacy settings.

export const follow = defineOperation('identity', 'social.follow', {
  summary:
    'Follow a member: at once if their profile is public, else a request they approve (`status: pending`); following again changes nothing',
  http: { method: 'PUT', path: '/v1/social/follows/{userId}', status: 200 },
  access: humans,
  params: aMember,
  output: FollowResult,
  errors: [IdentityErrors.USER_NOT_FOUND, E.SELF_NOT_ALLOWED, E.BLOCKED],
});

export const unfollow = defineOperation('identity', 'social.unfollow', {
  summary: 'Stop following a member, or withdraw a request to follow them',
  http: { method: 'DELETE', path: '/v1/social/follows/{userId}', status: 204 },
  access: humans,
  params: aMember,
  output: null,
});

export const followers = defineOperation('identity', 'social.followers', {
  summary: 'Who follows the caller (approved follows), newest first',
  http: { method: 'GET', path: '/v1/social/followers', status: 200 },
  access: humans,
  query: pageQuery,
  output: page(FollowEntry),
});

export const following = defineOperation('identity', 'social.following', {
  summary:
    'Whom the caller follows, with requests still waiting for approval (`status: pending`), newest first',
  http: { method: 'GET', path: '/v1/social/following', status: 200 },
  access: humans,
  query: pageQuery,
  output: page(FollowEntry),
});

export const removeFollower = defineOperation('identity', 'social.followers.remove', {
  summary: 'Remove a follower: they no longer follow the caller (they are not told)',
  http: { method: 'DELETE', path: '/v1/social/followers/{userId}', status: 204 },
  access: humans,
  params: aMember,
  output: null,
});

export const followRequests = defineOperation('identity', 'social.requests', {
  summary: 'Requests to follow the caller waiting for approval, newest first',
  http: { method: 'GET', path: '/v1/social/follow-requests', status: 200 },
  access: humans,
  query: pageQuery,
  output: page(FollowEntry),
});

export const approveRequest = defineOperation('identity', 'social.requests.approve', {
  summary: 'Approve a member’s request to follow the caller',
  http: { method: 'POST', path: '/v1/social/follow-requests/{userId}/approve', status: 200 },
  access: humans,
  params: aMember,
  output: FollowEntry,
  errors: [E.FOLLOW_REQUEST_NOT_FOUND],
});

export const declineRequest = defineOperation('identity', 'social.requests.decline', {
  summary: 'Decline a member’s request to follow the caller',
  http: { method: 'DELETE', path: '/v1/social/follow-requests/{userId}', status: 204 },
  access: humans,
  params: aMember,
  output: null,
  errors: [E.FOLLOW_REQUEST_NOT_FOUND],
});

export const block = defineOperation('identity', 'social.block', {
  summary:
    'Block a member: follows between the two end, and they can no longer follow the caller, see their feed items, give them kudos or see their name on a leaderboard',
  http: { method: 'PUT', path: '/v1/social/blocks/{userId}', status: 204 },
  access: humans,
  params: aMember,
  output: null,
  errors: [IdentityErrors.USER_NOT_FOUND, E.SELF_NOT_ALLOWED],
});

export const unblock = defineOperation('identity', 'social.unblock', {
  summary: 'Lift a block (follows it ended stay ended)',
  http: { method: 'DELETE', path: '/v1/social/blocks/{userId}', status: 204 },
  access: humans,
  params: aMember,
  output: null,
});

export const blocks = defineOperation('identity', 'social.blocks', {
  summary: 'The members the caller blocked, newest first',
  http: { method: 'GET', path: '/v1/social/blocks', status: 200 },
  access: humans,
  query: pageQuery,
  output: page(BlockEntry),
});

export const getPrivacy = defineOperation('identity', 'social.privacy.get', {
  summary: 'The caller’s privacy settings (profile public and activity for followers until changed)',
  http: { method: 'GET', path: '/v1/me/privacy', status: 200 },
  access: humans,
  output: PrivacySettings,
});

export const setPrivacy = defineOperation('identity', 'social.privacy.set', {
  summary: 'Set who may follow the caller without approval and who sees their activity (past items too)',
  http: { method: 'PUT', path: '/v1/me/privacy', status: 200 },
  access: humans,
  body: PrivacySettings,
  output: PrivacySettings,
});

// Analytics: the feed, kudos and branch challenges.

export const feed = defineOperation('analytics', 'social.feed', {
  summary:
    'The caller’s own and followed members’ achievements, records and finished workouts, newest first, as each owner’s privacy allows now',
  http: { method: 'GET', path: '/v1/social/feed', status: 200 },
  access: humans,
  query: pageQuery,
  output: page(FeedItem),
});

const anItem = Type.Object({ itemId: Id }, { additionalProperties: false });

export const giveKudos = defineOperation('analytics', 'social.kudos.give', {
  summary: 'Give kudos to a feed item the caller can see (once: giving again changes nothing)',
  http: { method: 'PUT', path: '/v1/social/feed/{itemId}/kudos', status: 200 },
  access: humans,
  params: anItem,
  output: KudosState,
  errors: [E.FEED_ITEM_NOT_FOUND, E.KUDOS_OWN_ITEM],
});

export const takeKudos = defineOperation('analytics', 'social.kudos.take', {
  summary: 'Take back the caller’s kudos of a feed item',
  http: { method: 'DELETE', path: '/v1/social/feed/{itemId}/kudos', status: 200 },
  access: humans,
  params: anItem,
  output: KudosState,
  errors: [E.FEED_ITEM_NOT_FOUND],
});

export const createChallenge = defineOperation('analytics', 'challenges.create', {
  summary: 'Open a challenge at a branch (its staff): a metric over days of the branch’s time zone',
  http: { method: 'POST', path: '/v1/challenges', status: 201 },
  access: ['trainer', 'branch_admin', 'platform_admin'],
  // Not idempotent by itself: a retried request with its Idempotency-Key opens one challenge.
  critical: true,
  body: Type.Object(ChallengeBody, { additionalProperties: false }),
  output: Challenge,
  errors: [
    E.NOT_BRANCH_STAFF,
    E.CHALLENGE_DATES_INVALID,
    AnalyticsErrors.INVALID_DATE,
    IdentityErrors.BRANCH_NOT_FOUND,
  ],
});

const aChallenge = Type.Object({ id: Id }, { additionalProperties: false });

export const joinChallenge = defineOperation('analytics', 'challenges.join', {
  summary: 'Join a challenge of a branch the caller trains at (joining again changes nothing)',
  http: { method: 'POST', path: '/v1/challenges/{id}/join', status: 200 },
  access: humans,
  params: aChallenge,
  output: Challenge,
  errors: [E.CHALLENGE_NOT_FOUND, E.CHALLENGE_ENDED, E.NOT_BRANCH_MEMBER],
});

export const listChallenges = defineOperation('analytics', 'challenges.list', {
  summary: 'A branch’s challenges, latest start first',
  http: { method: 'GET', path: '/v1/challenges', status: 200 },
  access: humans,
  query: Type.Object({ branchId: Id, ...Pagination }, { additionalProperties: false }),
  output: page(Challenge),
});

export const challengeLeaderboard = defineOperation('analytics', 'challenges.leaderboard', {
  summary:
    'A challenge’s standings: live while it runs, frozen once it ended; an entrant who blocked the caller shows as a rank without a name',
  http: { method: 'GET', path: '/v1/challenges/{id}/leaderboard', status: 200 },
  access: humans,
  params: aChallenge,
  query: Type.Object(
    { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) },
    { additionalProperties: false },
  ),
  output: ChallengeLeaderboard,
  errors: [E.CHALLENGE_NOT_FOUND],
});

export const identityOperations = [
  follow,
  unfollow,
  followers,
  following,
  removeFollower,
  followRequests,
  approveRequest,
  declineRequest,
  block,
  unblock,
  blocks,
  getPrivacy,
  setPrivacy,
] as const;

export const analyticsOperations = [
  feed,
  giveKudos,
  takeKudos,
  createChallenge,
  joinChallenge,
  listChallenges,
  challengeLeaderboard,
] as const;

export const all = [...identityOperations, ...analyticsOperations] as const;
