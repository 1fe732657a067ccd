import { machineFrames, Metrics } from '@nxg/contracts';
import { validatorFor } from '@nxg/platform';
import { describe, expect, it } from 'vitest';
import {
  kindOf,
  machineTypeOf,
  seededRandom,
  SIM_KINDS,
  startWorkout,
  type CompletedSet,
  type SimKind,
} from './metrics.ts';

/** A workout run for `seconds` at 1 Hz: what it reported each second and the sets it completed. */
function run(kind: SimKind, seconds: number, seed = 7, setEveryS = 30) {
  const workout = startWorkout(kind, { random: seededRandom(seed), setEveryS });
  const samples: Metrics[] = [];
  const sets: { atS: number; set: CompletedSet }[] = [];
  for (let s = 1; s <= seconds; s++) {
    samples.push(workout.tick(1));
    const set = workout.takeCompletedSet();
    if (set) sets.push({ atS: s, set });
  }
  return { samples, sets };
}

const isMetrics = validatorFor(Metrics);
const isTelemetryFrame = validatorFor(machineFrames.telemetry);
const isSetFrame = validatorFor(machineFrames['set.completed']);
const frameBase = () => ({
  id: crypto.randomUUID(),
  ts: new Date().toISOString(),
  linkId: crypto.randomUUID(),
});
const nonDecreasing = (values: number[]) => values.every((v, i) => i === 0 || v >= values[i - 1]!);

describe('simulated workouts', () => {
  it.each(SIM_KINDS)('%s: every sample is valid FTMS telemetry the hub accepts', (kind) => {
    const { samples, sets } = run(kind, 600);
    for (const metrics of samples) {
      expect(isMetrics.Check(metrics)).toBe(true);
      expect(isTelemetryFrame.Check({ type: 'telemetry', ...frameBase(), metrics })).toBe(true);
    }
    for (const { set } of sets)
      expect(isSetFrame.Check({ type: 'set.completed', ...frameBase(), ...set })).toBe(true);
  });

  it.each(['treadmill', 'bike', 'rower'] as const)(
    '%s: moves, adds up distance and energy, heart rate follows',
    (kind) => {
      const { samples } = run(kind, 600);
      const distances = samples.map((m) => m.distanceM!);
      const calories = samples.map((m) => m.calories!);
      expect(nonDecreasing(distances)).toBe(true);
      expect(nonDecreasing(calories)).toBe(true);
      const speeds = samples.map((m) => m.speedKph!);
      expect(Math.min(...speeds)).toBeGreaterThan(0);
      // Ten minutes of exercise: 1–5 km on a treadmill, more on a bike, about 50–200 kcal.
      expect(distances.at(-1)).toBeGreaterThan(1000);
      expect(distances.at(-1)).toBeLessThan(6000);
      expect(calories.at(-1)).toBeGreaterThan(40);
      expect(calories.at(-1)).toBeLessThan(250);
      // From a resting pulse at the start to an exercising one once warmed up.
      expect(samples[0]!.heartRate).toBeLessThan(100);
      const later = samples.slice(120).map((m) => m.heartRate!);
      expect(Math.min(...later)).toBeGreaterThan(90);
      expect(Math.max(...later)).toBeLessThan(200);
      // Speed and power change with the intervals.
      expect(new Set(speeds.slice(60).map((s) => Math.round(s))).size).toBeGreaterThan(2);
      expect(new Set(samples.map((m) => m.powerW)).size).toBeGreaterThan(5);
    },
  );

  it('treadmill: incline steps between 0 and 6 %, cadence of walking or running', () => {
    const { samples } = run('treadmill', 600);
    for (const m of samples) {
      expect(m.inclinePct).toBeGreaterThanOrEqual(0);
      expect(m.inclinePct).toBeLessThanOrEqual(6);
      expect(m.cadence).toBeGreaterThan(90);
      expect(m.cadence).toBeLessThan(200);
    }
  });

  it('strength: counts reps up through sets of 8–12 at a steady weight, with rests', () => {
    const { samples, sets } = run('strength', 300);
    expect(sets.length).toBeGreaterThanOrEqual(8);
    expect(sets.length).toBeLessThanOrEqual(11);
    for (const { set } of sets) {
      expect(set.reps).toBeGreaterThanOrEqual(8);
      expect(set.reps).toBeLessThanOrEqual(12);
      expect(set.weightKg).toBeGreaterThan(0);
      expect(set.durationS).toBeGreaterThan(15);
      expect(set.exercise).toBe(sets[0]!.set.exercise);
    }
    expect(samples.every((m) => m.reps !== undefined && m.weightKg !== undefined)).toBe(true);
    expect(samples.some((m) => m.speedKph !== undefined)).toBe(false);
    expect(nonDecreasing(samples.map((m) => m.calories!))).toBe(true);
    // Within a set the count only goes up, one rep at a time.
    for (let i = 1; i < samples.length; i++) {
      const step = samples[i]!.reps! - samples[i - 1]!.reps!;
      expect(step === 0 || step === 1 || samples[i]!.reps === 0).toBe(true);
    }
  });

  it('cardio: completes an interval about every setEveryS seconds', () => {
    const { sets } = run('bike', 300, 3, 60);
    expect(sets.map((s) => s.atS)).toEqual([60, 120, 180, 240, 300]);
    expect(sets[0]!.set).toMatchObject({ reps: 0, weightKg: 0, durationS: 60 });
    expect(sets[0]!.set.exercise).toMatch(/^Bike interval \(\d+ m\)$/);
  });

  it('is repeatable for a seed and differs between seeds', () => {
    expect(run('rower', 120, 42).samples).toEqual(run('rower', 120, 42).samples);
    expect(run('rower', 120, 42).samples).not.toEqual(run('rower', 120, 43).samples);
  });

  it('accepts ticks of any length (a machine that was busy, or telemetry at 5 Hz)', () => {
    const workout = startWorkout('treadmill', { random: seededRandom(1) });
    let last = workout.tick(0.2);
    for (let i = 0; i < 50; i++) last = workout.tick(i % 2 ? 0.2 : 3.7);
    expect(isMetrics.Check(last)).toBe(true);
    expect(last.distanceM).toBeGreaterThan(0);
  });

  it('provisions a gym-like mix of registry types', () => {
    const kinds = Array.from({ length: 12 }, (_, i) => kindOf(i));
    expect(new Set(kinds)).toEqual(new Set(SIM_KINDS));
    expect(kinds.map((k) => machineTypeOf[k])).toContain('strength');
    expect(kinds.filter((k) => k === 'treadmill')).toHaveLength(4);
  });
});

describe('seededRandom', () => {
  it('stays in [0, 1) and spreads evenly', () => {
    const random = seededRandom(123);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const r = random();
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThan(1);
      buckets[Math.floor(r * 10)]! += 1;
    }
    for (const count of buckets) expect(count).toBeGreaterThan(900);
  });
});
