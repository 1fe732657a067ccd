import { codesOf, type ErrorCatalog } from '../errors.ts';

/** Error codes of the social features: follows, blocks and privacy (identity); feed, kudos, challenges (analytics). */
export const socialErrorCatalog = {
  SELF_NOT_ALLOWED: { status: 400, description: 'A member cannot follow or block themselves' },
  BLOCKED: { status: 403, description: 'A block between the two members prevents this' },
  FOLLOW_REQUEST_NOT_FOUND: { status: 404, description: 'No follow request from this member is waiting' },
  FEED_ITEM_NOT_FOUND: {
    status: 404,
    description: 'No such feed item, or its owner’s privacy hides it from you',
  },
  KUDOS_OWN_ITEM: { status: 409, description: 'Kudos go to other members’ items, not your own' },
  CHALLENGE_NOT_FOUND: { status: 404, description: 'No such challenge' },
  CHALLENGE_DATES_INVALID: {
    status: 400,
    description:
      '`startsAt` and `endsAt` must be calendar dates with `endsAt` on or after `startsAt`, at most a year apart',
  },
  CHALLENGE_ENDED: { status: 409, description: 'The challenge is over: it can no longer be joined' },
  NOT_BRANCH_MEMBER: {
    status: 403,
    description: 'Only members who have trained at the challenge’s branch (a gym session there) may join',
  },
  NOT_BRANCH_STAFF: { status: 403, description: 'Only staff of the branch may create its challenges' },
} as const satisfies ErrorCatalog;
export const SocialErrors = codesOf(socialErrorCatalog);
