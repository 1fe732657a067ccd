import type { Customizations, WorkoutDay } from '@nxg/contracts';

/** The plan the member trains: the generated days with their customizations applied. */
export function applyCustomizations(
  days: WorkoutDay[],
  customizations: Customizations,
  names: Map<string, string>,
): WorkoutDay[] {
  const changes = customizations.exercises ?? {};
  return days.map((day) => ({
    ...day,
    exercises: day.exercises
      .filter((e) => !changes[e.exerciseId]?.skip)
      .map((e) => {
        const change = changes[e.exerciseId];
        if (!change) return e;
        const id = change.replaceWith && names.has(change.replaceWith) ? change.replaceWith : e.exerciseId;
        return {
          ...e,
          exerciseId: id,
          exerciseName: names.get(id) ?? e.exerciseName,
          ...(change.sets !== undefined ? { sets: change.sets } : {}),
          ...(change.reps !== undefined ? { reps: change.reps } : {}),
          ...(change.seconds !== undefined ? { seconds: change.seconds } : {}),
        };
      }),
  }));
}

/** Customizations that still apply to a new plan: those about exercises it contains. */
export function carryOver(previous: Customizations, days: WorkoutDay[]): Customizations {
  const present = new Set(days.flatMap((d) => d.exercises.map((e) => e.exerciseId)));
  const kept = Object.fromEntries(Object.entries(previous.exercises ?? {}).filter(([id]) => present.has(id)));
  return {
    ...(Object.keys(kept).length ? { exercises: kept } : {}),
    ...(previous.notes ? { notes: previous.notes } : {}),
  };
}
