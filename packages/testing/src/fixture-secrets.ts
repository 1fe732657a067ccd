/** Passwords and keys the test fixtures use: the log scan looks for each of them in every service's logs. */
export const fixtureSecrets = {
  /** registerMember's default password. */
  memberPassword: 'correct horse battery',
  /** The platform admin's password (fixtures.ts `platformAdmin`). */
  adminPassword: 'platform admin password',
  /** The workout planning stand-in's API key. */
  planningApiKey: 'wps-test-key',
  /** The nutrition planning stand-in's API key and HMAC signing secret. */
  nutritionPlanningApiKey: 'nps-test-key',
  nutritionPlanningSecret: 'nps-test-signing-secret',
} as const;

/** Other passwords test files type in: also never to be logged. */
export const typedPasswords = [
  'long enough password',
  'another long password',
  'hunter2 hunter2',
  'not the password',
  'a brand new password',
  'production admin password',
  'the real admin password',
] as const;
