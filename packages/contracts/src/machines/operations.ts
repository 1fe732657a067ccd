import Type from 'typebox';
import { CommonErrorCodes as C } from '../errors.ts';
import { defineOperation } from '../operation.ts';
import { HubErrors as E } from './errors.ts';
import { Id, page, Pagination } from '../identity/schemas.ts';
import {
  ActiveLink,
  Machine,
  MachineCredentials,
  MachineType,
  MaintenanceEntry,
  MaintenanceType,
} from './schemas.ts';

const staff = ['platform_admin', 'branch_admin'] as const;
const humans = ['member'] as const;
/** Everyone on a branch's staff (the service checks it is this branch's). */
const branchStaff = ['platform_admin', 'branch_admin', 'trainer'] as const;
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

export const createMachine = defineOperation('machine-hub', 'machines.create', {
  summary: "Add a machine to a branch (that branch's admins, platform admins); its secret is shown once",
  http: { method: 'POST', path: '/v1/branches/{branchId}/machines', status: 201 },
  access: staff,
  params: Type.Object({ branchId: Id }, { additionalProperties: false }),
  body: Type.Object(
    { name: Text(100), type: MachineType, location: Text(200) },
    { additionalProperties: false },
  ),
  output: Type.Object({ machine: Machine, credentials: MachineCredentials }),
  errors: [C.STEP_UP_REQUIRED],
});

export const listMachines = defineOperation('machine-hub', 'machines.list', {
  summary: "A branch's machines with their live status",
  http: { method: 'GET', path: '/v1/branches/{branchId}/machines', status: 200 },
  access: humans,
  params: Type.Object({ branchId: Id }, { additionalProperties: false }),
  query: Type.Object(Pagination, { additionalProperties: false }),
  output: page(Machine),
});

export const listActiveLinks = defineOperation('machine-hub', 'machines.links.active', {
  summary:
    "Who is on the branch's machines now: each active link with the member's display name (the branch's staff)",
  http: { method: 'GET', path: '/v1/branches/{branchId}/links', status: 200 },
  access: branchStaff,
  params: Type.Object({ branchId: Id }, { additionalProperties: false }),
  query: Type.Object(Pagination, { additionalProperties: false }),
  output: page(ActiveLink),
});

export const updateMachine = defineOperation('machine-hub', 'machines.update', {
  summary: 'Rename or move a machine, or put it into maintenance and back',
  http: { method: 'PATCH', path: '/v1/machines/{machineId}', status: 200 },
  access: staff,
  params: Type.Object({ machineId: Id }, { additionalProperties: false }),
  body: Type.Object(
    {
      status: Type.Optional(Type.Union([Type.Literal('available'), Type.Literal('maintenance')])),
      name: Type.Optional(Text(100)),
      location: Type.Optional(Text(200)),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
  output: Machine,
  errors: [E.MACHINE_NOT_FOUND, E.MACHINE_DECOMMISSIONED, C.STEP_UP_REQUIRED],
});

export const logMaintenance = defineOperation('machine-hub', 'machines.maintenance.log', {
  summary: "Append to a machine's maintenance log",
  http: { method: 'POST', path: '/v1/machines/{machineId}/maintenance', status: 201 },
  access: staff,
  params: Type.Object({ machineId: Id }, { additionalProperties: false }),
  body: Type.Object(
    { type: MaintenanceType, notes: Type.String({ maxLength: 2000 }) },
    { additionalProperties: false },
  ),
  output: MaintenanceEntry,
  errors: [E.MACHINE_NOT_FOUND, C.STEP_UP_REQUIRED],
});

export const listMaintenance = defineOperation('machine-hub', 'machines.maintenance.list', {
  summary: "A machine's maintenance log, newest first",
  http: { method: 'GET', path: '/v1/machines/{machineId}/maintenance', status: 200 },
  access: staff,
  params: Type.Object({ machineId: Id }, { additionalProperties: false }),
  query: Type.Object(Pagination, { additionalProperties: false }),
  output: page(MaintenanceEntry),
  errors: [E.MACHINE_NOT_FOUND],
});

export const machineToken = defineOperation('machine-hub', 'machines.token', {
  summary: 'Exchange machine id and secret for a short-lived machine token',
  http: { method: 'POST', path: '/v1/machines/token', status: 200, rateLimit: 'auth' },
  access: 'public',
  body: Type.Object(
    { machineId: Id, secret: Type.String({ minLength: 16, maxLength: 200 }) },
    { additionalProperties: false },
  ),
  output: Type.Object({
    accessToken: Type.String(),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer(),
  }),
  errors: [E.INVALID_MACHINE_CREDENTIALS],
});

export const link = defineOperation('machine-hub', 'machines.link', {
  summary: 'Link to the machine whose QR code was scanned (one machine per member, one member per machine)',
  http: { method: 'POST', path: '/v1/machines/link', status: 200 },
  access: humans,
  critical: true,
  body: Type.Object(
    { qrToken: Type.String({ minLength: 10, maxLength: 2000 }) },
    { additionalProperties: false },
  ),
  output: Type.Object({ machine: Machine, linkId: Type.String() }),
  errors: [
    E.QR_TOKEN_INVALID,
    E.QR_TOKEN_EXPIRED,
    E.QR_TOKEN_USED,
    E.MACHINE_NOT_FOUND,
    E.MACHINE_OCCUPIED,
    E.MACHINE_UNAVAILABLE,
    E.ALREADY_LINKED,
  ],
});

export const unlink = defineOperation('machine-hub', 'machines.unlink', {
  summary: 'End the link to a machine',
  http: { method: 'POST', path: '/v1/machines/unlink', status: 204 },
  access: humans,
  body: Type.Object({ machineId: Id }, { additionalProperties: false }),
  output: null,
  errors: [E.NOT_LINKED],
});

export const rotateMachineSecret = defineOperation('machine-hub', 'machines.secret.rotate', {
  summary:
    'Give a machine a new secret (shown once); the old secret and every token it obtained stop working at once',
  http: { method: 'POST', path: '/v1/machines/{machineId}/secret', status: 200 },
  access: staff,
  params: Type.Object({ machineId: Id }, { additionalProperties: false }),
  output: Type.Object({ credentials: MachineCredentials }),
  errors: [E.MACHINE_NOT_FOUND, E.MACHINE_DECOMMISSIONED, C.STEP_UP_REQUIRED],
});

export const decommissionMachine = defineOperation('machine-hub', 'machines.decommission', {
  summary:
    'Take a machine out for good: its link ends, its socket closes, its credentials are refused; its history stays',
  http: { method: 'DELETE', path: '/v1/machines/{machineId}', status: 204 },
  access: staff,
  params: Type.Object({ machineId: Id }, { additionalProperties: false }),
  output: null,
  errors: [E.MACHINE_NOT_FOUND, E.MACHINE_DECOMMISSIONED, C.STEP_UP_REQUIRED],
});

export const all = [
  createMachine,
  listMachines,
  listActiveLinks,
  updateMachine,
  logMaintenance,
  listMaintenance,
  machineToken,
  link,
  unlink,
  rotateMachineSecret,
  decommissionMachine,
] as const;
