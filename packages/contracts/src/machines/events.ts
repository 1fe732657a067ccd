import Type from 'typebox';
import { defineEvent } from '../event.ts';
import { MachineStatus, MachineWorkoutTotals, Metrics, SetCompleted } from './schemas.ts';

/** NATS subject of a machine event: `machines.<branchId>.<machineId>.<kind>` (DESIGN.md §4). */
export const machineSubject = (branchId: string, machineId: string, kind: string) =>
  `machines.${branchId}.${machineId}.${kind}`;

/** Telemetry has a stream of its own with short retention: `telemetry.<branchId>.<machineId>`. */
export const telemetrySubject = (branchId: string, machineId: string) => `telemetry.${branchId}.${machineId}`;

const ids = { machineId: Type.String(), branchId: Type.String() };
const at = Type.String({ format: 'date-time' });

export const machineStatusChanged = defineEvent({
  type: 'machines.status',
  stream: 'MACHINES',
  dataVersion: 1,
  description:
    "A machine's status changed (offline, available, occupied, maintenance). Subject machines.<branchId>.<machineId>.status.",
  data: Type.Object({ ...ids, status: MachineStatus, at }),
});

export const machineLinked = defineEvent({
  type: 'machines.linked',
  stream: 'MACHINES',
  dataVersion: 1,
  description: 'A member linked to a machine by its QR code. Subject machines.<branchId>.<machineId>.linked.',
  data: Type.Object({ ...ids, linkId: Type.String(), userId: Type.String(), at }),
});

export const machineUnlinked = defineEvent({
  type: 'machines.unlinked',
  stream: 'MACHINES',
  dataVersion: 2,
  description:
    'A link ended (member, machine, heartbeat loss, maintenance), with the machine workout’s totals (v2; absent in v1 events). Subject machines.<branchId>.<machineId>.unlinked.',
  data: Type.Object({
    ...ids,
    linkId: Type.String(),
    userId: Type.String(),
    reason: Type.String(),
    at,
    workout: Type.Optional(MachineWorkoutTotals),
  }),
});

export const machineTelemetry = defineEvent({
  type: 'machines.telemetry',
  stream: 'TELEMETRY',
  dataVersion: 1,
  description:
    'A telemetry sample from a linked machine (FTMS field names), once per machine frame (Nats-Msg-Id machineId:frameId). Subject telemetry.<branchId>.<machineId>; kept a day by default.',
  data: Type.Object({
    ...ids,
    linkId: Type.String(),
    userId: Type.String(),
    frameId: Type.String(),
    at,
    metrics: Metrics,
  }),
});

export const machineSetCompleted = defineEvent({
  type: 'machines.set_completed',
  stream: 'MACHINES',
  dataVersion: 1,
  description:
    'A set finished on a linked machine, once per frame id (Nats-Msg-Id machineId:frameId). Subject machines.<branchId>.<machineId>.set_completed.',
  data: Type.Object({
    ...ids,
    linkId: Type.String(),
    userId: Type.String(),
    frameId: Type.String(),
    at,
    ...SetCompleted,
  }),
});

export const machineSecretRotated = defineEvent({
  type: 'machines.secret_rotated',
  stream: 'MACHINES',
  dataVersion: 1,
  description:
    "Staff rotated a machine's secret; the old secret and every token it obtained stop working. Subject machines.<branchId>.<machineId>.secret_rotated.",
  data: Type.Object({ ...ids, actorId: Type.String(), at }),
});

export const machineDecommissioned = defineEvent({
  type: 'machines.decommissioned',
  stream: 'MACHINES',
  dataVersion: 1,
  description:
    'Staff decommissioned a machine: its credentials and links end and it can no longer connect. Subject machines.<branchId>.<machineId>.decommissioned.',
  data: Type.Object({ ...ids, actorId: Type.String(), at }),
});

export const all = [
  machineStatusChanged,
  machineLinked,
  machineUnlinked,
  machineTelemetry,
  machineSetCompleted,
  machineSecretRotated,
  machineDecommissioned,
];
