import { identityEvents } from '@nxg/contracts';
import { canonicalTimeZone, consume, defineFeature } from '@nxg/platform';
import type { NutritionDeps } from '../deps.ts';
import { requestPlanRefresh } from '../plans/plan-store.ts';
import { eraseMember, saveMember, type Member } from './member-store.ts';

/** The zone identity says (absent in events older than identity's time zones: UTC), if it is one. */
const timezoneOf = (data: { timezone?: string | undefined }): string | undefined =>
  data.timezone ? canonicalTimeZone(data.timezone) : undefined;

const demographicsOf = (raw: Record<string, unknown>): Member['demographics'] => {
  const number = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return Object.fromEntries(
    Object.entries({
      age: number(raw.age),
      heightCm: number(raw.heightCm),
      weightKg: number(raw.weightKg),
      gender: text(raw.gender),
      activityLevel: text(raw.activityLevel),
    }).filter(([, v]) => v !== undefined),
  ) as Member['demographics'];
};

const allergiesOf = (raw: Record<string, unknown>): string[] =>
  Array.isArray(raw.allergies) ? raw.allergies.filter((a): a is string => typeof a === 'string') : [];

/**
 * Members as nutrition knows them: identity's non-health profile (time zone, figures, goal,
 * allergies), newest event wins; a changed goal or allergy list asks for a new meal plan; an
 * erased account loses its meals, plans and photos, and stays erased.
 */
export const membersFeature = defineFeature<NutritionDeps>({
  name: 'members',
  consumers: ({ db, logger }) => [
    consume('nutrition_user_registered', identityEvents.userRegistered, async ({ data, time }) => {
      await db.transaction((tx) =>
        saveMember(tx, { userId: data.userId, timezone: timezoneOf(data), at: time }),
      );
    }),
    consume('nutrition_user_updated', identityEvents.userUpdated, async ({ data, time }) => {
      await db.transaction(async (tx) => {
        const saved = await saveMember(tx, {
          userId: data.userId,
          timezone: timezoneOf(data),
          demographics: demographicsOf(data.demographics),
          goal: data.fitnessProfile.goal ?? null,
          allergies: allergiesOf(data.dietPreferences),
          dietType: typeof data.dietPreferences.dietType === 'string' ? data.dietPreferences.dietType : null,
          at: time,
        });
        if (saved?.planInputsChanged && (await requestPlanRefresh(tx, data.userId)))
          logger.info({ userId: data.userId }, 'goal or allergies changed: meal plan refresh requested');
      });
    }),
    consume('nutrition_user_deleted', identityEvents.userDeleted, async ({ data }) => {
      await db.transaction((tx) => eraseMember(tx, data.userId, data.deletedAt));
    }),
  ],
});
