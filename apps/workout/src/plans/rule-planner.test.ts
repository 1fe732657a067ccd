import type { Exercise } from '@nxg/contracts';
import { describe, expect, it } from 'vitest';
import { applyCustomizations, carryOver } from './customizations.ts';
import { planByRules } from './rule-planner.ts';

const ex = (
  id: string,
  muscleGroup: string,
  equipment: string,
  kind: Exercise['kind'] = 'strength',
): Exercise => ({
  id,
  name: id.replaceAll('-', ' '),
  muscleGroup,
  equipment,
  machineType: equipment === 'machine' ? 'strength' : null,
  kind,
  level: 'beginner',
  category: kind === 'mobility' ? 'stretching' : kind,
  primaryMuscles: [],
  secondaryMuscles: [],
  instructions: [],
  sourceId: null,
});

const library: Exercise[] = [
  ex('leg-press', 'legs', 'machine'),
  ex('back-squat', 'legs', 'barbell'),
  ex('walking-lunge', 'legs', 'dumbbell'),
  ex('chest-press', 'chest', 'machine'),
  ex('bench-press', 'chest', 'barbell'),
  ex('push-up', 'chest', 'bodyweight'),
  ex('lat-pulldown', 'back', 'cable'),
  ex('deadlift', 'back', 'barbell'),
  ex('shoulder-press', 'shoulders', 'machine'),
  ex('lateral-raise', 'shoulders', 'dumbbell'),
  ex('curl', 'arms', 'dumbbell'),
  ex('pushdown', 'arms', 'cable'),
  ex('plank', 'core', 'bodyweight', 'mobility'),
  ex('treadmill-run', 'cardio', 'treadmill', 'cardio'),
  ex('rowing', 'cardio', 'rower', 'cardio'),
  ex('hip-flow', 'mobility', 'bodyweight', 'mobility'),
];

describe('the built-in planner', () => {
  it('gives as many days as asked, with the classic split', () => {
    const three = planByRules({ goal: 'general_fitness', level: 'intermediate', daysPerWeek: 3 }, library);
    expect(three.map((d) => d.muscleGroup)).toEqual(['full_body', 'full_body', 'full_body']);
    const four = planByRules({ goal: 'build_muscle', level: 'intermediate', daysPerWeek: 4 }, library);
    expect(four.map((d) => d.muscleGroup)).toEqual(['upper', 'lower', 'upper', 'lower']);
    expect(four.every((d) => d.exercises.length >= 3)).toBe(true);
  });

  it('is deterministic', () => {
    const request = { goal: 'lose_weight', level: 'beginner', daysPerWeek: 5 } as const;
    expect(planByRules(request, library)).toEqual(planByRules(request, [...library].reverse()));
  });

  it('doses by goal and level', () => {
    const muscle = planByRules({ goal: 'build_muscle', level: 'advanced', daysPerWeek: 3 }, library);
    const strength = muscle[0]!.exercises.find((e) => e.reps !== undefined)!;
    expect(strength).toMatchObject({ sets: 5, reps: 8 });
    const beginner = planByRules({ goal: 'build_muscle', level: 'beginner', daysPerWeek: 3 }, library);
    expect(beginner[0]!.exercises.find((e) => e.reps !== undefined)).toMatchObject({ sets: 3 });
  });

  it('starts beginners on machines and adds cardio for fat loss', () => {
    const plan = planByRules({ goal: 'lose_weight', level: 'beginner', daysPerWeek: 3 }, library);
    expect(plan[0]!.exercises[0]!.exerciseId).toBe('leg-press');
    expect(plan[0]!.exercises.at(-1)!.seconds).toBeGreaterThan(0);
  });

  it('only uses the equipment the member has', () => {
    const plan = planByRules(
      { goal: 'general_fitness', level: 'intermediate', daysPerWeek: 2, equipment: ['dumbbell'] },
      library,
    );
    const used = plan.flatMap((d) =>
      d.exercises.map((e) => library.find((x) => x.id === e.exerciseId)!.equipment),
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.every((e) => e === 'dumbbell' || e === 'bodyweight')).toBe(true);
  });
});

describe('customizations', () => {
  const names = new Map(library.map((e) => [e.id, e.name]));
  const days = planByRules({ goal: 'build_muscle', level: 'beginner', daysPerWeek: 1 }, library);
  const first = days[0]!.exercises[0]!.exerciseId;
  const second = days[0]!.exercises[1]!.exerciseId;

  it('swap, change and skip exercises without touching the plan data', () => {
    const effective = applyCustomizations(
      days,
      { exercises: { [first]: { replaceWith: 'back-squat', sets: 2 }, [second]: { skip: true } } },
      names,
    );
    expect(effective[0]!.exercises[0]).toMatchObject({
      exerciseId: 'back-squat',
      exerciseName: 'back squat',
      sets: 2,
    });
    expect(effective[0]!.exercises.map((e) => e.exerciseId)).not.toContain(second);
    expect(days[0]!.exercises[0]!.exerciseId).toBe(first);
  });

  it('carry over to a new plan only where they still apply', () => {
    const kept = carryOver(
      { exercises: { [first]: { sets: 2 }, 'not-in-plan': { skip: true } }, notes: 'knee' },
      days,
    );
    expect(kept).toEqual({ exercises: { [first]: { sets: 2 } }, notes: 'knee' });
  });
});
