import type { Exercise, PlannedExercise, WorkoutDay } from '@nxg/contracts';

export type Goal = 'lose_weight' | 'build_muscle' | 'endurance' | 'general_fitness';
export type Level = 'beginner' | 'intermediate' | 'advanced';
export type Focus = 'full_body' | 'upper' | 'lower' | 'push' | 'pull' | 'cardio' | 'strength';

export interface PlanRequest {
  goal: Goal;
  level: Level;
  daysPerWeek: number;
  focus?: Focus;
  /** Equipment the member has; bodyweight is always available. Absent: a full gym. */
  equipment?: string[];
}

type DayKind = 'full_body' | 'upper' | 'lower' | 'push' | 'pull' | 'legs' | 'cardio';

/** Which muscle groups a kind of day trains, in order. */
const dayGroups: Record<DayKind, string[]> = {
  full_body: ['legs', 'chest', 'back', 'shoulders', 'core'],
  upper: ['chest', 'back', 'shoulders', 'arms', 'arms'],
  lower: ['legs', 'legs', 'legs', 'core'],
  push: ['chest', 'chest', 'shoulders', 'arms'],
  pull: ['back', 'back', 'shoulders', 'arms'],
  legs: ['legs', 'legs', 'legs', 'core'],
  cardio: ['cardio', 'cardio', 'mobility'],
};

/** The classic splits by days per week. */
function split(daysPerWeek: number, focus: Focus | undefined): DayKind[] {
  if (focus === 'cardio')
    return Array.from({ length: daysPerWeek }, (_, i) => (i % 3 === 2 ? 'full_body' : 'cardio'));
  if (focus === 'upper' || focus === 'push' || focus === 'pull') {
    const cycle: DayKind[] =
      focus === 'upper' ? ['upper'] : focus === 'push' ? ['push', 'pull'] : ['pull', 'push'];
    return Array.from({ length: daysPerWeek }, (_, i) => cycle[i % cycle.length]!);
  }
  if (focus === 'lower')
    return Array.from({ length: daysPerWeek }, (_, i) => (i % 2 === 0 ? 'lower' : 'legs'));
  const byDays: Record<number, DayKind[]> = {
    1: ['full_body'],
    2: ['full_body', 'full_body'],
    3: ['full_body', 'full_body', 'full_body'],
    4: ['upper', 'lower', 'upper', 'lower'],
    5: ['push', 'pull', 'legs', 'upper', 'lower'],
    6: ['push', 'pull', 'legs', 'push', 'pull', 'legs'],
    7: ['push', 'pull', 'legs', 'cardio', 'push', 'pull', 'legs'],
  };
  return byDays[Math.min(7, Math.max(1, daysPerWeek))]!;
}

/** Sets and reps by goal, adjusted by level. */
function dose(
  goal: Goal,
  level: Level,
  exercise: Exercise,
): Pick<PlannedExercise, 'sets' | 'reps' | 'seconds'> {
  const levelSets = level === 'beginner' ? -1 : level === 'advanced' ? 1 : 0;
  if (exercise.kind === 'cardio') {
    const minutes = { lose_weight: 25, endurance: 35, build_muscle: 12, general_fitness: 20 }[goal];
    return { sets: 1, seconds: (minutes + levelSets * 5) * 60 };
  }
  if (exercise.kind === 'mobility') return { sets: 2 + Math.max(0, levelSets), seconds: 45 };
  const base = {
    build_muscle: { sets: 4, reps: 8 },
    lose_weight: { sets: 3, reps: 12 },
    endurance: { sets: 3, reps: 15 },
    general_fitness: { sets: 3, reps: 10 },
  }[goal];
  return { sets: Math.max(1, base.sets + levelSets), reps: base.reps };
}

/** Beginners start on guided machines; advanced members get free weights first. */
function preference(level: Level, exercise: Exercise): number {
  const guided = exercise.equipment === 'machine' || exercise.equipment === 'cable';
  const free =
    exercise.equipment === 'barbell' ||
    exercise.equipment === 'dumbbell' ||
    exercise.equipment === 'kettlebell';
  if (level === 'beginner') return guided ? 0 : exercise.equipment === 'bodyweight' ? 1 : 2;
  if (level === 'advanced') return free ? 0 : guided ? 1 : 2;
  return free || guided ? 0 : 1;
}

/**
 * The built-in planner used when the AI service cannot answer: a deterministic plan from goal,
 * level, days per week, focus and available equipment. The same request always gives the same plan.
 */
export function planByRules(request: PlanRequest, library: Exercise[]): WorkoutDay[] {
  const available = library.filter(
    (e) => !request.equipment || e.equipment === 'bodyweight' || request.equipment.includes(e.equipment),
  );
  const byGroup = (group: string) =>
    available
      .filter((e) => (group === 'cardio' ? e.kind === 'cardio' : e.muscleGroup === group))
      .sort(
        (a, b) => preference(request.level, a) - preference(request.level, b) || a.id.localeCompare(b.id),
      );
  const kinds = split(request.daysPerWeek, request.focus);
  return kinds.map((kind, dayIndex) => {
    const used = new Set<string>();
    const exercises: PlannedExercise[] = [];
    for (const [slot, group] of dayGroups[kind].entries()) {
      const candidates = byGroup(group).filter((e) => !used.has(e.id));
      if (candidates.length === 0) continue;
      // Rotate through the candidates so repeated day kinds are not identical.
      const pick = candidates[(dayIndex + slot) % Math.min(candidates.length, 3)]!;
      used.add(pick.id);
      exercises.push({
        exerciseId: pick.id,
        exerciseName: pick.name,
        ...dose(request.goal, request.level, pick),
      });
    }
    // A cardio finisher for fat loss and endurance on strength days.
    if (kind !== 'cardio' && (request.goal === 'lose_weight' || request.goal === 'endurance')) {
      const finisher = byGroup('cardio').find((e) => !used.has(e.id));
      if (finisher)
        exercises.push({
          exerciseId: finisher.id,
          exerciseName: finisher.name,
          ...dose(request.goal, request.level, finisher),
        });
    }
    return { dayOrder: dayIndex + 1, muscleGroup: kind, exercises };
  });
}
