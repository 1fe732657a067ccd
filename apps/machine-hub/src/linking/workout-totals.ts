import type { MachineWorkoutTotals, Metrics } from '@nxg/contracts';

/** What the hub keeps of a link's workout between samples: persisted as JSON in `links.workout`. */
export interface WorkoutTotalsState {
  samples: number;
  /** Instant (ms) of the newest sample counted: an older one (a replay after a reconnect) is skipped. */
  lastAt: number;
  distanceM: number | null;
  lastDistanceM: number | null;
  kcal: number | null;
  lastCalories: number | null;
  heartRateSum: number;
  heartRateSamples: number;
  maxHeartRate: number | null;
  sets: number;
  reps: number;
}

const empty = (): WorkoutTotalsState => ({
  samples: 0,
  lastAt: 0,
  distanceM: null,
  lastDistanceM: null,
  kcal: null,
  lastCalories: null,
  heartRateSum: 0,
  heartRateSamples: 0,
  maxHeartRate: null,
  sets: 0,
  reps: 0,
});

/**
 * How much a cumulative machine counter (FTMS total distance, total energy) grew since the last
 * sample. Machines start their counters with a workout, so the first sample counts from 0; a
 * counter that went down was reset (the machine restarted) and counts again from 0.
 */
const growth = (value: number, last: number | null) => (last === null || value < last ? value : value - last);

/**
 * A link's workout summed from its telemetry as it arrives, in memory: a few additions per sample,
 * no write. The hub persists the state now and then and when the socket closes, and the totals go
 * out with the `unlinked` event.
 */
export class WorkoutTotals {
  private state: WorkoutTotalsState;
  /** Changed since it was last persisted. */
  dirty = false;

  constructor(saved?: Partial<WorkoutTotalsState> | null) {
    this.state = { ...empty(), ...(saved ?? {}) };
  }

  addSample(at: number, metrics: Metrics): void {
    const s = this.state;
    if (at <= s.lastAt) return;
    s.lastAt = at;
    s.samples += 1;
    if (metrics.distanceM !== undefined) {
      s.distanceM = (s.distanceM ?? 0) + growth(metrics.distanceM, s.lastDistanceM);
      s.lastDistanceM = metrics.distanceM;
    }
    if (metrics.calories !== undefined) {
      s.kcal = (s.kcal ?? 0) + growth(metrics.calories, s.lastCalories);
      s.lastCalories = metrics.calories;
    }
    if (metrics.heartRate !== undefined) {
      s.heartRateSum += metrics.heartRate;
      s.heartRateSamples += 1;
      s.maxHeartRate = Math.max(s.maxHeartRate ?? 0, metrics.heartRate);
    }
    this.dirty = true;
  }

  addSet(set: { reps: number }): void {
    this.state.sets += 1;
    this.state.reps += set.reps;
    this.dirty = true;
  }

  snapshot(): WorkoutTotalsState {
    return { ...this.state };
  }
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** The totals the `unlinked` event carries, from a persisted state and the link's span. */
export function workoutSummary(
  saved: Partial<WorkoutTotalsState> | null,
  machine: { name: string; type: string },
  durationS: number,
): MachineWorkoutTotals {
  const s = { ...empty(), ...(saved ?? {}) };
  return {
    machineName: machine.name,
    machineType: machine.type,
    durationS: Math.max(0, Math.round(durationS)),
    distanceM: s.distanceM === null ? null : round1(s.distanceM),
    kcal: s.kcal === null ? null : round1(s.kcal),
    avgHeartRate: s.heartRateSamples ? Math.round(s.heartRateSum / s.heartRateSamples) : null,
    maxHeartRate: s.maxHeartRate,
    sets: s.sets,
    reps: s.reps,
    samples: s.samples,
  };
}
