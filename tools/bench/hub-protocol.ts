/** Messages between the hub benchmark (parent) and its load workers (hub-worker.ts), over the IPC channel. */

export interface WorkerSetup {
  workerIndex: number;
  gatewayUrl: string;
  hubUrl: string;
  machines: { machineId: string; secret: string }[];
  /** The first `linked` machines of the slice get a member each, who links by QR and watches live. */
  linked: number;
  telemetryHz: number;
  /** set.completed every so many seconds while linked; 0: none. */
  setEveryS: number;
  /** Idle machines show and rotate QR codes too (as real ones do). */
  idleQr: boolean;
  /** Machines connecting at once, per worker. */
  connectConcurrency: number;
}

export type ToWorker =
  | { type: 'setup'; setup: WorkerSetup }
  | { type: 'measure' }
  | { type: 'report'; graceMs: number }
  | { type: 'stop' };

export interface WorkerProgress {
  connected: number;
  failedToConnect: number;
  members: number;
  linked: number;
  errors: Record<string, number>;
  /** Why the last pair that could not be linked failed. */
  lastLinkError?: string;
}

export interface WorkerReport extends WorkerProgress {
  /** Telemetry frames made during the window and put on the wire. */
  sent: number;
  acked: number;
  /** Of those, seen on the member's live feed. */
  seen: number;
  /** Acknowledged by the hub but never seen on the live feed. */
  lost: number;
  /** Seen on the live feed more than once. */
  duplicates: number;
  /** Frame timestamp → receipt at the member's socket, ms, one per frame seen. */
  latencies: number[];
  /** Machines whose connection dropped during the window, and frames replayed. */
  drops: number;
  replayed: number;
  /** The worker's own event-loop delay during the window (it adds to the latencies it measures). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export type FromWorker =
  | { type: 'progress'; progress: WorkerProgress }
  | { type: 'ready'; progress: WorkerProgress; sampleUserIds: string[] }
  | { type: 'report'; report: WorkerReport }
  | { type: 'failed'; message: string };
