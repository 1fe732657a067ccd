import Type from 'typebox';
import { defineEvent } from '../event.ts';
import { Audience, ChallengeMetric, FeedItemKind } from './schemas.ts';

const at = Type.String({ format: 'date-time' });
/**
 * Identity's order of social changes (one sequence for all of them): a copy keeps, per pair or
 * member, the change with the highest `seq`, whatever order the events arrive in.
 */
const seq = Type.Integer({ minimum: 1 });

export const followChanged = defineEvent({
  type: 'identity.follow.changed',
  stream: 'IDENTITY',
  dataVersion: 1,
  description:
    'Where a follow between two members stands now: pending (a request), accepted, or removed (unfollowed, declined, removed by the followee, or ended by a block).',
  data: Type.Object({
    followerId: Type.String(),
    followeeId: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('removed')]),
    reason: Type.Union([
      Type.Literal('followed'),
      Type.Literal('requested'),
      Type.Literal('approved'),
      Type.Literal('unfollowed'),
      Type.Literal('declined'),
      Type.Literal('removed'),
      Type.Literal('blocked'),
    ]),
    /** The follower's display name, for the followee's notification. */
    followerName: Type.String(),
    /** The followee's display name, for the follower's notification on approval. */
    followeeName: Type.String(),
    seq,
    at,
  }),
});

export const blockChanged = defineEvent({
  type: 'identity.block.changed',
  stream: 'IDENTITY',
  dataVersion: 1,
  description: 'A member blocked another (blocked: true) or lifted the block (false).',
  data: Type.Object({ blockerId: Type.String(), blockedId: Type.String(), blocked: Type.Boolean(), seq, at }),
});

export const privacyChanged = defineEvent({
  type: 'identity.privacy.changed',
  stream: 'IDENTITY',
  dataVersion: 1,
  description: 'A member changed who may follow them without approval and who sees their activity.',
  data: Type.Object({ userId: Type.String(), profile: Audience, activity: Audience, seq, at }),
});

export const kudosGiven = defineEvent({
  type: 'analytics.kudos.given',
  stream: 'ANALYTICS',
  dataVersion: 1,
  description: 'A member gave kudos to another member’s feed item (once per member and item).',
  data: Type.Object({
    itemId: Type.String(),
    kind: FeedItemKind,
    title: Type.String(),
    ownerId: Type.String(),
    fromUserId: Type.String(),
    fromName: Type.String(),
    at,
  }),
});

export const challengeResult = defineEvent({
  type: 'analytics.challenge.result',
  stream: 'ANALYTICS',
  dataVersion: 1,
  description:
    'A challenge ended: one entrant’s final place (one event per entrant, sent when standings freeze).',
  data: Type.Object({
    challengeId: Type.String(),
    branchId: Type.String(),
    name: Type.String(),
    metric: ChallengeMetric,
    userId: Type.String(),
    rank: Type.Integer(),
    value: Type.Number(),
    entrants: Type.Integer(),
    at,
  }),
});

export const all = [followChanged, blockChanged, privacyChanged, kudosGiven, challengeResult];
