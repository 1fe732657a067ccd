import type { Targets } from '@nxg/contracts';
import type { Member } from '../members/member-store.ts';

/** Multipliers of the resting rate for the day's activity (FAO/WHO/UNU physical activity levels). */
const activityFactors = {
  sedentary: 1.2,
  light: 1.375,
  moderate: 1.55,
  active: 1.725,
  very_active: 1.9,
} as const;

/** Energy against maintenance per goal: a moderate deficit to lose weight, a small surplus to build. */
const goalFactors: Record<string, number> = {
  lose_weight: 0.8,
  build_muscle: 1.1,
  endurance: 1.05,
  general_fitness: 1,
};

/** Protein per kg of body weight per goal (sports-nutrition guidance: 1.4–2.0 g/kg). */
const proteinPerKg: Record<string, number> = {
  lose_weight: 2.0,
  build_muscle: 1.8,
  endurance: 1.6,
  general_fitness: 1.4,
};

/** The adult reference intake used on food labels when the member's figures are unknown. */
const REFERENCE_KCAL = 2000;
/** Share of energy from fat; carbohydrate takes what protein and fat leave. */
const FAT_SHARE = 0.3;
/** Protein's share when there is no body weight to count per kg from. */
const PROTEIN_SHARE = 0.2;

/**
 * Daily targets from the member's figures: Mifflin-St Jeor resting energy (10·kg + 6.25·cm − 5·age,
 * +5 for men, −161 for women, their mean for anyone else) × activity factor × goal factor, protein
 * per kg of body weight, 30 % of energy from fat and the rest from carbohydrate. Without weight,
 * height, age or gender the 2,000 kcal reference intake stands in, and `source` says `defaults`.
 * A missing activity level counts as light (said in `assumed`).
 */
export function dailyTargets(member: Pick<Member, 'demographics' | 'goal'>): Targets {
  const d = member.demographics;
  const goal = member.goal && member.goal in goalFactors ? member.goal : 'general_fitness';
  const missing = (['weightKg', 'heightCm', 'age', 'gender'] as const)
    .filter((k) => d[k] === undefined)
    .map((k) => `demographics.${k}`);
  const assumed = [...missing];
  if (!d.activityLevel) assumed.push('demographics.activityLevel');
  if (!member.goal || !(member.goal in goalFactors)) assumed.push('fitnessProfile.goal');

  let kcal: number;
  let proteinG: number;
  if (missing.length === 0) {
    const sexConstant = d.gender === 'male' ? 5 : d.gender === 'female' ? -161 : -78;
    const resting = 10 * d.weightKg! + 6.25 * d.heightCm! - 5 * d.age! + sexConstant;
    kcal = resting * activityFactors[d.activityLevel ?? 'light'] * goalFactors[goal]!;
    proteinG = d.weightKg! * proteinPerKg[goal]!;
  } else {
    kcal = REFERENCE_KCAL * goalFactors[goal]!;
    proteinG = d.weightKg !== undefined ? d.weightKg * proteinPerKg[goal]! : (kcal * PROTEIN_SHARE) / 4;
  }
  // Never below a floor that is safe without supervision, and protein never more than 35 % of energy.
  kcal = Math.max(kcal, 1200);
  proteinG = Math.min(proteinG, (kcal * 0.35) / 4);
  const fatG = (kcal * FAT_SHARE) / 9;
  const carbsG = Math.max(0, (kcal - proteinG * 4 - fatG * 9) / 4);
  return {
    kcal: Math.round(kcal),
    proteinG: Math.round(proteinG),
    carbsG: Math.round(carbsG),
    fatG: Math.round(fatG),
    method: missing.length === 0 ? 'mifflin_st_jeor' : 'reference_intake',
    source: missing.length === 0 ? 'profile' : 'defaults',
    assumed,
  };
}
