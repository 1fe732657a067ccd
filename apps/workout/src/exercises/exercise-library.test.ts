import { readFileSync } from 'node:fs';
import { equipmentKinds, exerciseLevels, muscleGroups, muscleNames } from '@nxg/contracts';
import { loadExercises, muscles } from '@nxg/reference-data';
import { describe, expect, it } from 'vitest';
import { buildExerciseLibrary } from './exercise-library.ts';

const library = buildExerciseLibrary(loadExercises());

/** The curated ids as the first migration seeded them: plans, logs and machines refer to these. */
const seededIds = [
  ...readFileSync(new URL('../../migrations/0002_exercise_library.sql', import.meta.url), 'utf8').matchAll(
    /^\s+\('([a-z0-9-]+)', '([^']+)'/gm,
  ),
].map(([, id, name]) => ({ id: id!, name: name! }));

describe('the exercise library', () => {
  it('holds all 873 free-exercise-db exercises and every curated one, each id once', () => {
    expect(seededIds).toHaveLength(43);
    // 36 curated ones stand in for their free-exercise-db counterpart; 7 have none.
    expect(library.all).toHaveLength(873 + 7);
    expect(new Set(library.all.map((e) => e.id)).size).toBe(library.all.length);
    expect(library.all.filter((e) => e.sourceId !== null)).toHaveLength(873);
  });

  it('keeps every curated id, name and machine type', () => {
    for (const { id, name } of seededIds) expect(library.get(id)?.name).toBe(name);
    expect(library.curated.map((e) => e.id).sort()).toEqual(seededIds.map((s) => s.id).sort());
    expect(library.all.filter((e) => e.machineType === 'cardio').map((e) => e.id)).toContain('treadmill-run');
  });

  it("gives a curated exercise its counterpart's muscles, level and instructions, and lists it once", () => {
    const legPress = library.get('leg-press')!;
    expect(legPress).toMatchObject({
      name: 'Leg press',
      machineType: 'strength',
      sourceId: 'Leg_Press',
      primaryMuscles: ['quadriceps'],
      level: 'beginner',
    });
    expect(legPress.instructions.length).toBeGreaterThan(1);
    expect(library.all.filter((e) => e.sourceId === 'Leg_Press')).toHaveLength(1);
    // Its free-exercise-db id leads to the curated entry.
    expect(library.get('Leg_Press')?.id).toBe('leg-press');
    expect(library.get('barbell-squat')?.id).toBe('back-squat');
    // Machines report exercises by name.
    expect(library.named('LEG PRESS')?.id).toBe('leg-press');
    expect(library.named('Barbell Full Squat')?.id).toBe('barbell-full-squat');
    expect(library.named('Moon walk')).toBeUndefined();
    expect(library.get('thoracic-rotation')).toMatchObject({
      sourceId: null,
      primaryMuscles: ['middle_back'],
    });
  });

  it('speaks the vocabularies the API declares', () => {
    expect([...muscleNames].sort()).toEqual([...muscles].sort());
    for (const e of library.all) {
      expect(muscleGroups).toContain(e.muscleGroup);
      expect(equipmentKinds).toContain(e.equipment);
      expect(exerciseLevels).toContain(e.level);
      expect(e.primaryMuscles.length).toBeGreaterThan(0);
    }
    expect(library.get('barbell-full-squat')).toMatchObject({
      muscleGroup: 'legs',
      equipment: 'barbell',
      kind: 'strength',
      level: 'intermediate',
    });
    expect(library.get('side-bridge')).toMatchObject({ muscleGroup: 'core', equipment: 'bodyweight' });
    expect(library.get('kettlebell-pistol-squat')).toMatchObject({
      equipment: 'kettlebell',
      level: 'advanced',
    });
  });

  it('searches by name, words or their beginnings, best match first', () => {
    const bench = library.find({ q: 'bench press' });
    expect(bench.slice(0, 5).every((e) => /bench press/i.test(e.name))).toBe(true);
    expect(bench.map((e) => e.id)).toContain('bench-press');
    expect(
      library
        .find({ q: 'lat pull' })
        .slice(0, 3)
        .map((e) => e.id),
    ).toContain('lat-pulldown');
    expect(library.find({ q: 'PUSHUPS' }).map((e) => e.id)).toContain('push-up');
    expect(library.find({ q: 'zzzqqq' })).toEqual([]);
  });

  it('filters by muscle, group, equipment, level and machine type together', () => {
    const lats = library.find({ muscle: 'lats', equipment: 'cable' });
    expect(lats.length).toBeGreaterThan(5);
    expect(lats.every((e) => e.primaryMuscles.includes('lats') && e.equipment === 'cable')).toBe(true);
    const easyKettlebell = library.find({ equipment: 'kettlebell', level: 'beginner' });
    expect(easyKettlebell.length).toBeGreaterThan(0);
    expect(easyKettlebell.every((e) => e.equipment === 'kettlebell' && e.level === 'beginner')).toBe(true);
    const squats = library.find({ q: 'squat', muscleGroup: 'legs', level: 'advanced' });
    expect(squats.length).toBeGreaterThan(0);
    expect(squats.every((e) => /squat/i.test(e.name) && e.level === 'advanced')).toBe(true);
    expect(library.find({ machineType: 'cardio', muscle: 'neck' })).toEqual([]);
  });
});
