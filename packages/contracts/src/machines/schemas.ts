import Type, { type Static } from 'typebox';

export const MachineType = Type.Union([
  Type.Literal('cardio'),
  Type.Literal('strength'),
  Type.Literal('functional'),
]);

/** What members and staff see: derived from the admin status, the socket, the heartbeat and the link. */
export const MachineStatus = Type.Union([
  Type.Literal('offline'),
  Type.Literal('available'),
  Type.Literal('occupied'),
  Type.Literal('maintenance'),
]);
export type MachineStatus = Static<typeof MachineStatus>;

export const Machine = Type.Object({
  id: Type.String(),
  branchId: Type.String(),
  name: Type.String(),
  type: Type.String(),
  location: Type.String(),
  status: MachineStatus,
  firmware: Type.Union([Type.String(), Type.Null()]),
  lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Machine = Static<typeof Machine>;

/** Who is on a machine now, for the branch's staff: the member's first name as the machine greets them. */
export const ActiveLink = Type.Object({
  linkId: Type.String(),
  machineId: Type.String(),
  /** Null once the member's account was erased. */
  userId: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.String(),
  since: Type.String({ format: 'date-time' }),
});
export type ActiveLink = Static<typeof ActiveLink>;

export const MachineCredentials = Type.Object({
  machineId: Type.String(),
  /** Shown once; only its hash is stored. */
  secret: Type.String(),
});

export const MaintenanceType = Type.Union(
  ['inspection', 'cleaning', 'repair', 'calibration', 'other'].map((t) => Type.Literal(t)),
);

export const MaintenanceEntry = Type.Object({
  id: Type.String(),
  machineId: Type.String(),
  type: Type.String(),
  notes: Type.String(),
  /** Null once that staff member's account was erased. */
  byUserId: Type.Union([Type.String(), Type.Null()]),
  at: Type.String({ format: 'date-time' }),
});
export type MaintenanceEntry = Static<typeof MaintenanceEntry>;

/** Telemetry fields named and scaled after the Bluetooth Fitness Machine Service (FTMS). */
export const Metrics = Type.Object(
  {
    speedKph: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    inclinePct: Type.Optional(Type.Number({ minimum: -30, maximum: 60 })),
    heartRate: Type.Optional(Type.Integer({ minimum: 20, maximum: 260 })),
    cadence: Type.Optional(Type.Number({ minimum: 0, maximum: 400 })),
    powerW: Type.Optional(Type.Number({ minimum: 0, maximum: 5000 })),
    distanceM: Type.Optional(Type.Number({ minimum: 0, maximum: 1_000_000 })),
    calories: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
    reps: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    weightKg: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export type Metrics = Static<typeof Metrics>;

export const SetCompleted = {
  exercise: Type.String({ minLength: 1, maxLength: 100 }),
  reps: Type.Integer({ minimum: 0, maximum: 1000 }),
  weightKg: Type.Number({ minimum: 0, maximum: 1000 }),
  durationS: Type.Number({ minimum: 0, maximum: 36_000 }),
};

/**
 * A machine workout's totals, summed by the hub from the link's telemetry and sets, so readers of
 * `machines.unlinked` never need the raw telemetry. A figure the machine never reported is null.
 */
export const MachineWorkoutTotals = Type.Object({
  /** The machine as the registry knows it (type: cardio, strength, functional). */
  machineName: Type.String(),
  machineType: Type.String(),
  /** From link to unlink. */
  durationS: Type.Integer({ minimum: 0 }),
  /** Distance and energy the machine counted during the link (its cumulative FTMS counters). */
  distanceM: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  kcal: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  avgHeartRate: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  maxHeartRate: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  /** Sets the machine completed during the link, and their repetitions. */
  sets: Type.Integer({ minimum: 0 }),
  reps: Type.Integer({ minimum: 0 }),
  /** Telemetry samples the totals were summed from. */
  samples: Type.Integer({ minimum: 0 }),
});
export type MachineWorkoutTotals = Static<typeof MachineWorkoutTotals>;
