import type { MachineStatus, Metrics } from './schemas.ts';

/**
 * The live feed: core NATS subjects (not JetStream: a live view wants now, not history) that the
 * gateway relays to members' and staff's WebSockets.
 */
export const liveSubjects = {
  /** Everything about one member: linked, unlinked, telemetry, set completed, points, achievements, notifications. */
  user: (userId: string) => `live.user.${userId}`,
  /** Machine status changes of one branch, for its staff. */
  branch: (branchId: string) => `live.branch.${branchId}`,
};

export type LiveMessageType =
  | 'linked'
  | 'unlinked'
  | 'telemetry'
  | 'set.completed'
  | 'machine.status'
  // From analytics: an award ({ ...analytics.points.awarded data, total }) and an achievement
  // ({ ...analytics.achievement.unlocked data, name, description }).
  | 'points.awarded'
  | 'achievement.unlocked'
  /** A notification reached the member's inbox (data: the inbox item), pushed or not. */
  | 'notification'
  // A new item in the member's social feed (analytics).
  | 'feed.item'
  | 'machine.linked'
  | 'machine.unlinked'
  | 'machine.telemetry'
  | 'machine.heartbeat';

/**
 * What a branch's staff receive on `live.branch.<branchId>` (`/v1/live?branchId=`), by type. Staff
 * see the figures a front desk needs, not the member's whole telemetry.
 */
export interface BranchLiveData {
  'machine.status': { machineId: string; branchId: string; status: MachineStatus };
  'machine.linked': { machineId: string; linkId: string; userId: string; displayName: string; since: string };
  'machine.unlinked': { machineId: string; linkId: string; reason: string };
  'machine.telemetry': {
    machineId: string;
    linkId: string;
    at: string;
    metrics: Pick<Metrics, 'speedKph' | 'heartRate' | 'powerW'>;
  };
  'machine.heartbeat': { machineId: string; at: string };
}

export interface LiveMessage<T = unknown> {
  type: LiveMessageType;
  at: string;
  data: T;
}

/** Commands for the hub replica holding a machine's socket. */
export const hubMachineSubject = (machineId: string) => `hub.machine.${machineId}`;
