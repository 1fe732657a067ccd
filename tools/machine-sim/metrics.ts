/**
 * Plausible workouts for simulated machines, in the Bluetooth Fitness Machine Service's fields and
 * units (the hub's `Metrics`): a warm-up, then intervals of changing intensity that speed, cadence
 * and power follow at once and heart rate follows with a lag; distance and energy add up. Strength
 * stations count reps through sets with rests between them. Deterministic for a given seed.
 */
import type { Metrics } from '@nxg/contracts';

export const SIM_KINDS = ['treadmill', 'bike', 'rower', 'strength'] as const;
export type SimKind = (typeof SIM_KINDS)[number];

/** The registry's machine type of each kind. */
export const machineTypeOf: Record<SimKind, 'cardio' | 'strength'> = {
  treadmill: 'cardio',
  bike: 'cardio',
  rower: 'cardio',
  strength: 'strength',
};

/** What a `set.completed` frame carries besides its link. */
export interface CompletedSet {
  exercise: string;
  reps: number;
  weightKg: number;
  durationS: number;
}

export interface Workout {
  readonly kind: SimKind;
  /** Advances the workout by `dtS` seconds and returns what the machine measures now. */
  tick(dtS: number): Metrics;
  /** A set (or, on cardio machines, an interval) finished since the last call, if any. */
  takeCompletedSet(): CompletedSet | undefined;
}

export interface WorkoutOptions {
  /** Roughly how often a set or interval completes, in seconds (default 30). */
  setEveryS?: number;
  /** Source of randomness in [0, 1); `seededRandom(n)` for a repeatable workout. */
  random?: () => number;
  /** The exercise of a strength station (default: one picked at random). */
  exercise?: string;
}

/** mulberry32: a small, fast, seedable generator, good enough for believable noise. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const STRENGTH_EXERCISES = [
  'Leg press',
  'Chest press',
  'Lat pulldown',
  'Shoulder press',
  'Seated row',
  'Leg curl',
] as const;

const round = (value: number, step: number) => Math.round(value / step) * step;
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
/** Mechanical work to food energy: muscles are about 22 % efficient; 4,184 J per kcal. */
const kcalOf = (powerW: number, dtS: number) => (powerW / 0.22) * (dtS / 4184);

/** Heart rate follows the effort with a lag (first order, about 20 s), plus a beat or two of noise. */
class HeartRate {
  private bpm: number;
  private readonly random: () => number;

  constructor(random: () => number, restingBpm = 68) {
    this.random = random;
    this.bpm = restingBpm + random() * 8;
  }

  next(targetBpm: number, dtS: number): number {
    this.bpm += (targetBpm - this.bpm) * (1 - Math.exp(-dtS / 20));
    return Math.round(clamp(this.bpm + (this.random() - 0.5) * 3, 45, 205));
  }
}

/** Cardio: a 60 s warm-up, then intervals of 20–45 s at a new intensity (0.45–0.95). */
class CardioWorkout implements Workout {
  readonly kind: Exclude<SimKind, 'strength'>;
  private readonly random: () => number;
  private readonly heart: HeartRate;
  private readonly setEveryS: number;
  private elapsedS = 0;
  private intensity = 0.3;
  private targetIntensity = 0.3;
  private nextChangeS = 60;
  private inclinePct = 0;
  private distanceM = 0;
  private calories = 0;
  private intervalStartS = 0;
  private intervalDistanceM = 0;
  private completed: CompletedSet | undefined;

  constructor(kind: Exclude<SimKind, 'strength'>, options: WorkoutOptions) {
    this.kind = kind;
    this.random = options.random ?? Math.random;
    this.heart = new HeartRate(this.random);
    this.setEveryS = options.setEveryS ?? 30;
  }

  tick(dtS: number): Metrics {
    this.elapsedS += dtS;
    if (this.elapsedS < 60) this.targetIntensity = 0.3 + (this.elapsedS / 60) * 0.3;
    else if (this.elapsedS >= this.nextChangeS) {
      this.targetIntensity = 0.45 + this.random() * 0.5;
      this.nextChangeS = this.elapsedS + 20 + this.random() * 25;
      if (this.kind === 'treadmill') this.inclinePct = round(this.random() * 6, 0.5);
    }
    // The machine reaches a new speed in a few seconds.
    this.intensity += (this.targetIntensity - this.intensity) * (1 - Math.exp(-dtS / 3));
    const noise = () => (this.random() - 0.5) * 0.04;
    const effort = clamp(this.intensity + noise(), 0.1, 1);
    const heartRate = this.heart.next(70 + effort * 115, dtS);
    let metrics: Metrics;
    if (this.kind === 'treadmill') {
      const speedKph = round(clamp(4 + effort * 12, 0, 25), 0.1);
      const speedMs = speedKph / 3.6;
      // Raising the body (incline) plus a rough cost of running on the flat.
      const powerW = Math.round(75 * 9.81 * speedMs * (0.05 + this.inclinePct / 100));
      this.advance(speedMs, powerW, dtS);
      metrics = {
        speedKph,
        inclinePct: this.inclinePct,
        heartRate,
        cadence: Math.round(speedKph < 7 ? 100 + speedKph * 3 : 95 + speedKph * 6),
        powerW,
        distanceM: round(this.distanceM, 0.1),
        calories: round(this.calories, 0.1),
      };
    } else if (this.kind === 'bike') {
      const cadence = Math.round(60 + effort * 40);
      const powerW = Math.round(60 + effort * 220);
      const speedKph = round(cadence * 0.33, 0.1);
      this.advance(speedKph / 3.6, powerW, dtS);
      metrics = {
        speedKph,
        heartRate,
        cadence,
        powerW,
        distanceM: round(this.distanceM, 0.1),
        calories: round(this.calories, 0.1),
      };
    } else {
      const powerW = Math.round(80 + effort * 220);
      // Rowing ergometers: power = 2.8 / pace³ (pace in s/m), so speed = (P / 2.8)^(1/3) m/s.
      const speedMs = Math.cbrt(powerW / 2.8);
      this.advance(speedMs, powerW, dtS);
      metrics = {
        speedKph: round(speedMs * 3.6, 0.1),
        heartRate,
        cadence: Math.round(18 + effort * 14),
        powerW,
        distanceM: round(this.distanceM, 0.1),
        calories: round(this.calories, 0.1),
      };
    }
    if (this.elapsedS - this.intervalStartS >= this.setEveryS) {
      this.completed = {
        exercise: `${this.kind[0]!.toUpperCase()}${this.kind.slice(1)} interval (${Math.round(this.distanceM - this.intervalDistanceM)} m)`,
        reps: 0,
        weightKg: 0,
        durationS: Math.round(this.elapsedS - this.intervalStartS),
      };
      this.intervalStartS = this.elapsedS;
      this.intervalDistanceM = this.distanceM;
    }
    return metrics;
  }

  takeCompletedSet(): CompletedSet | undefined {
    const set = this.completed;
    this.completed = undefined;
    return set;
  }

  private advance(speedMs: number, powerW: number, dtS: number): void {
    this.distanceM = Math.min(1_000_000, this.distanceM + speedMs * dtS);
    this.calories = Math.min(100_000, this.calories + kcalOf(powerW, dtS));
  }
}

/** Strength: sets of 8–12 reps at about 2.5 s a rep, rests filling the rest of `setEveryS`. */
class StrengthWorkout implements Workout {
  readonly kind = 'strength' as const;
  private readonly random: () => number;
  private readonly heart: HeartRate;
  private readonly setEveryS: number;
  private readonly exercise: string;
  private readonly baseWeightKg: number;
  private elapsedS = 0;
  private calories = 0;
  /** Current set: how many reps it aims for, done so far, its weight, when it started. */
  private goal = 0;
  private reps = 0;
  private weightKg = 0;
  private setStartS = 0;
  private restUntilS = 0;
  private repDueS = 0;
  private completed: CompletedSet | undefined;

  constructor(options: WorkoutOptions) {
    this.random = options.random ?? Math.random;
    this.heart = new HeartRate(this.random);
    this.setEveryS = options.setEveryS ?? 30;
    this.exercise =
      options.exercise ?? STRENGTH_EXERCISES[Math.floor(this.random() * STRENGTH_EXERCISES.length)]!;
    this.baseWeightKg = round(30 + this.random() * 60, 2.5);
    this.startSet(0);
  }

  tick(dtS: number): Metrics {
    this.elapsedS += dtS;
    const lifting = this.elapsedS >= this.restUntilS && this.reps < this.goal;
    if (this.elapsedS >= this.restUntilS && this.goal === 0) this.startSet(this.elapsedS);
    if (lifting) {
      while (this.reps < this.goal && this.elapsedS >= this.repDueS) {
        this.reps += 1;
        this.repDueS += 2.2 + this.random() * 0.6;
      }
      if (this.reps >= this.goal) this.finishSet();
    }
    // A rep moves the weight about half a metre up and down.
    const powerW = lifting ? Math.round((this.weightKg * 9.81 * 0.5 * 2) / 2.5) : 0;
    this.calories = Math.min(100_000, this.calories + kcalOf(powerW + 20, dtS));
    return {
      heartRate: this.heart.next(lifting ? 135 : 100, dtS),
      powerW,
      reps: this.reps,
      weightKg: this.weightKg,
      calories: round(this.calories, 0.1),
    };
  }

  takeCompletedSet(): CompletedSet | undefined {
    const set = this.completed;
    this.completed = undefined;
    return set;
  }

  private startSet(atS: number): void {
    this.goal = 8 + Math.floor(this.random() * 5);
    this.reps = 0;
    this.weightKg = clamp(this.baseWeightKg + round((this.random() - 0.5) * 10, 2.5), 2.5, 400);
    this.setStartS = atS;
    this.repDueS = atS + 1.5;
    this.restUntilS = atS;
  }

  private finishSet(): void {
    const durationS = Math.max(1, Math.round(this.elapsedS - this.setStartS));
    this.completed = { exercise: this.exercise, reps: this.reps, weightKg: this.weightKg, durationS };
    // Rest so that a set completes about every `setEveryS` seconds (at least 5 s of rest).
    const restS = Math.max(5, this.setEveryS - durationS);
    this.goal = 0;
    this.restUntilS = this.elapsedS + restS;
  }
}

export function startWorkout(kind: SimKind, options: WorkoutOptions = {}): Workout {
  return kind === 'strength' ? new StrengthWorkout(options) : new CardioWorkout(kind, options);
}

/** The kind of the n-th simulated machine: mostly treadmills and strength stations, as in a gym. */
export function kindOf(index: number): SimKind {
  const mix: SimKind[] = ['treadmill', 'strength', 'bike', 'treadmill', 'rower', 'strength'];
  return mix[index % mix.length]!;
}
