import type { MealType } from '@nxg/contracts';

/**
 * The meal a photo most likely shows, from the local time it was eaten: breakfast before 10:30,
 * lunch until 15:00, dinner from 17:30 until 22:00, a snack otherwise. The member can say.
 */
export function guessMealType(eatenAt: Date, timeZone: string): MealType {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .formatToParts(eatenAt)
    .reduce<Record<string, number>>(
      (acc, p) => (p.type === 'literal' ? acc : { ...acc, [p.type]: Number(p.value) }),
      {},
    );
  const minutes = (parts.hour ?? 0) * 60 + (parts.minute ?? 0);
  if (minutes >= 5 * 60 && minutes < 10 * 60 + 30) return 'breakfast';
  if (minutes >= 11 * 60 && minutes < 15 * 60) return 'lunch';
  if (minutes >= 17 * 60 + 30 && minutes < 22 * 60) return 'dinner';
  return 'snack';
}
