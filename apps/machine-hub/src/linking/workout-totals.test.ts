import { describe, expect, it } from 'vitest';
import { WorkoutTotals, workoutSummary } from './workout-totals.ts';

const treadmill = { name: 'Treadmill 1', type: 'cardio' };

describe('a link’s workout totals', () => {
  it('sum the machine’s counters, heart rate and sets into the figures the unlinked event carries', () => {
    const totals = new WorkoutTotals();
    totals.addSample(1000, { distanceM: 3, calories: 0.5, heartRate: 100 });
    totals.addSample(2000, { distanceM: 6, calories: 1, heartRate: 120 });
    totals.addSample(3000, { distanceM: 9.2, calories: 1.6, heartRate: 141 });
    totals.addSet({ reps: 0 });
    expect(workoutSummary(totals.snapshot(), treadmill, 62.4)).toEqual({
      machineName: 'Treadmill 1',
      machineType: 'cardio',
      durationS: 62,
      distanceM: 9.2,
      kcal: 1.6,
      avgHeartRate: 120,
      maxHeartRate: 141,
      sets: 1,
      reps: 0,
      samples: 3,
    });
  });

  it('skip a sample resent after a reconnect, and count on from zero after a machine reset its counters', () => {
    const totals = new WorkoutTotals();
    totals.addSample(1000, { distanceM: 100 });
    totals.addSample(2000, { distanceM: 150 });
    totals.addSample(1500, { distanceM: 120 }); // a replay of an older frame: no second effect
    totals.addSample(3000, { distanceM: 20 }); // the machine restarted: 20 m more
    expect(workoutSummary(totals.snapshot(), treadmill, 10).distanceM).toBe(170);
  });

  it('carry on from a persisted state (a hub restart, or a reconnect to another replica)', () => {
    const first = new WorkoutTotals();
    first.addSample(1000, { distanceM: 50, heartRate: 90 });
    first.addSet({ reps: 10 });
    const again = new WorkoutTotals(JSON.parse(JSON.stringify(first.snapshot())));
    again.addSample(1000, { distanceM: 50, heartRate: 90 }); // already counted before the restart
    again.addSample(2000, { distanceM: 80, heartRate: 110 });
    const summary = workoutSummary(again.snapshot(), treadmill, 5);
    expect(summary).toMatchObject({ distanceM: 80, avgHeartRate: 100, maxHeartRate: 110, sets: 1, reps: 10 });
  });

  it('leave null what a strength machine never measures', () => {
    const totals = new WorkoutTotals();
    totals.addSample(1000, { reps: 3, weightKg: 40 });
    totals.addSet({ reps: 12 });
    expect(workoutSummary(totals.snapshot(), { name: 'Leg press', type: 'strength' }, 90)).toMatchObject({
      distanceM: null,
      kcal: null,
      avgHeartRate: null,
      maxHeartRate: null,
      sets: 1,
      reps: 12,
    });
    expect(workoutSummary(null, { name: 'Leg press', type: 'strength' }, 0)).toMatchObject({
      samples: 0,
      sets: 0,
    });
  });
});
