/**
 * What members call analytics' achievements (apps/analytics/src/points/rules.ts owns the codes;
 * an app may not import another). A code not listed yet still gets a notification, by its code.
 */
const names: Record<string, string> = {
  'first-workout': 'First workout',
  'streak-3': 'Three in a row',
  'streak-7': 'A week in a row',
  'streak-30': 'A month in a row',
  'first-record': 'Personal best',
  'first-machine-workout': 'Connected',
};

export const achievementName = (code: string): string =>
  names[code] ?? code.replaceAll('-', ' ').replace(/^./, (c) => c.toUpperCase());
