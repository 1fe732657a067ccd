import Type, { type Static } from 'typebox';
import { LocalDate } from '../analytics/schemas.ts';

const at = Type.String({ format: 'date-time' });

/** Who sees a member: everyone, approved followers only, or no one but themselves. */
export const Audience = Type.Union([
  Type.Literal('public'),
  Type.Literal('followers'),
  Type.Literal('private'),
]);
export type Audience = Static<typeof Audience>;

export const PrivacySettings = Type.Object(
  {
    /** public: anyone may follow at once; followers or private: each follow needs the member's approval. */
    profile: Audience,
    /** Who sees the member's feed items (achievements, records, workouts): everyone, followers, no one. */
    activity: Audience,
  },
  { additionalProperties: false },
);
export type PrivacySettings = Static<typeof PrivacySettings>;

export const FollowStatus = Type.Union([Type.Literal('accepted'), Type.Literal('pending')]);
export type FollowStatus = Static<typeof FollowStatus>;

/** Another member in a follow list, with where the follow stands and since when. */
export const FollowEntry = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  username: Type.String(),
  status: FollowStatus,
  since: at,
});
export type FollowEntry = Static<typeof FollowEntry>;

export const FollowResult = Type.Object({ userId: Type.String(), status: FollowStatus });

export const BlockEntry = Type.Object({ userId: Type.String(), since: at });

/** A member's social data in their export (GET /v1/me/export). */
export const SocialExport = Type.Object({
  privacy: PrivacySettings,
  following: Type.Array(FollowEntry),
  followers: Type.Array(FollowEntry),
  blocks: Type.Array(BlockEntry),
});
export type SocialExport = Static<typeof SocialExport>;

export const FeedItemKind = Type.Union([
  Type.Literal('achievement'),
  Type.Literal('record'),
  Type.Literal('workout'),
]);
export type FeedItemKind = Static<typeof FeedItemKind>;

export const FeedItem = Type.Object({
  id: Type.String(),
  kind: FeedItemKind,
  userId: Type.String(),
  displayName: Type.String(),
  /** When it happened. */
  at,
  title: Type.String(),
  /** The facts behind the title: achievement code, exercise and value, workout minutes. */
  details: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()])),
  kudos: Type.Integer(),
  /** Whether the caller gave kudos to it. */
  kudosGiven: Type.Boolean(),
});
export type FeedItem = Static<typeof FeedItem>;

export const KudosState = Type.Object({
  itemId: Type.String(),
  kudos: Type.Integer(),
  kudosGiven: Type.Boolean(),
});

export const ChallengeMetric = Type.Union([
  Type.Literal('points'),
  Type.Literal('sessions'),
  Type.Literal('volume'),
  Type.Literal('minutes'),
]);
export type ChallengeMetric = Static<typeof ChallengeMetric>;

export const ChallengeBody = {
  branchId: Type.String({ format: 'uuid' }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  metric: ChallengeMetric,
  /** First and last day (inclusive) in the branch's time zone. */
  startsAt: LocalDate,
  endsAt: LocalDate,
};

export const Challenge = Type.Object({
  id: Type.String(),
  branchId: Type.String(),
  name: Type.String(),
  metric: ChallengeMetric,
  startsAt: LocalDate,
  endsAt: LocalDate,
  timeZone: Type.String(),
  /** The instants the challenge runs between: midnight starting `startsAt` to midnight ending `endsAt`, branch time. */
  opensAt: at,
  closesAt: at,
  status: Type.Union([Type.Literal('upcoming'), Type.Literal('running'), Type.Literal('finished')]),
  entrants: Type.Integer(),
  joined: Type.Boolean(),
});
export type Challenge = Static<typeof Challenge>;

export const ChallengeStanding = Type.Object({
  rank: Type.Integer(),
  /** Null where the entrant blocked the caller: the rank shows, not who holds it. */
  userId: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Union([Type.String(), Type.Null()]),
  /** Points, sessions, kg lifted (weight × reps) or active minutes. */
  value: Type.Number(),
});
export type ChallengeStanding = Static<typeof ChallengeStanding>;

export const ChallengeLeaderboard = Type.Object({
  challenge: Challenge,
  /** True once the challenge ended and its standings were frozen. */
  final: Type.Boolean(),
  items: Type.Array(ChallengeStanding),
  me: Type.Union([Type.Object({ rank: Type.Integer(), value: Type.Number() }), Type.Null()]),
});
export type ChallengeLeaderboard = Static<typeof ChallengeLeaderboard>;
