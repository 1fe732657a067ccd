import Type, { type Static, type TProperties } from 'typebox';
import { Metrics, SetCompleted } from './schemas.ts';

/**
 * The machine protocol (DESIGN.md §6), shaped after OCPP-J: JSON text frames `{ type, id, ts, ... }`,
 * every machine frame acknowledged by its id, frames resent after a reconnect acknowledged again
 * without a second effect.
 *
 * Rules for machines: send `hello` first on every connection; then something (at least a
 * `heartbeat`) every `welcome.heartbeatIntervalS`; keep frames that matter until acknowledged and
 * resend them in order, with their original ids, after reconnecting; never have more than 256
 * frames unacknowledged (the hub remembers each machine's last 256 frame ids).
 */
const FrameId = Type.String({ format: 'uuid' });
const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Integer({ minimum: 0 })]);
const LinkId = Type.String({ format: 'uuid' });

const frame = <T extends string, P extends TProperties>(type: T, properties: P) =>
  Type.Object(
    { type: Type.Literal(type), id: FrameId, ts: Timestamp, ...properties },
    { additionalProperties: false },
  );

export const HelloFrame = frame('hello', {
  firmware: Type.String({ minLength: 1, maxLength: 64 }),
  capabilities: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 32 }),
});
export const HeartbeatFrame = frame('heartbeat', {});
/** What the machine says of itself: `fault` takes it out of service until it reports `available`. */
export const StatusFrame = frame('status', {
  status: Type.Union([Type.Literal('available'), Type.Literal('fault')]),
});
export const QrRequestFrame = frame('qr.request', {});
export const TelemetryFrame = frame('telemetry', { linkId: LinkId, metrics: Metrics });
export const SetCompletedFrame = frame('set.completed', { linkId: LinkId, ...SetCompleted });
export const UnlinkFrame = frame('unlink', { linkId: LinkId });

export const MachineFrame = Type.Union([
  HelloFrame,
  HeartbeatFrame,
  StatusFrame,
  QrRequestFrame,
  TelemetryFrame,
  SetCompletedFrame,
  UnlinkFrame,
]);
export type MachineFrame = Static<typeof MachineFrame>;
export type MachineFrameType = MachineFrame['type'];

/** Per type, so a bad frame gets an error naming what is wrong with it rather than every union branch. */
export const machineFrames = {
  hello: HelloFrame,
  heartbeat: HeartbeatFrame,
  status: StatusFrame,
  'qr.request': QrRequestFrame,
  telemetry: TelemetryFrame,
  'set.completed': SetCompletedFrame,
  unlink: UnlinkFrame,
} as const;

/** Codes of the `error` frames the hub sends a machine (the frame names the offending frame in `ref`). */
export const FrameErrors = {
  MALFORMED_FRAME: 'MALFORMED_FRAME',
  INVALID_FRAME: 'INVALID_FRAME',
  UNKNOWN_FRAME_TYPE: 'UNKNOWN_FRAME_TYPE',
  NOT_LINKED: 'NOT_LINKED',
  RATE_LIMITED: 'RATE_LIMITED',
  HELLO_FIRST: 'HELLO_FIRST',
  INTERNAL: 'INTERNAL',
} as const;
export type FrameErrorCode = (typeof FrameErrors)[keyof typeof FrameErrors];

/** Frames the hub sends. An `ack` carries the id of the frame it acknowledges as its own `id`. */
export interface HubFrames {
  welcome: { machineId: string; heartbeatIntervalS: number; serverTime: string };
  ack: Record<never, never>;
  qr: { token: string; expiresAt: string };
  linked: { linkId: string; member: { displayName: string }; plan?: unknown };
  unlinked: { linkId: string; reason: string };
  error: { code: FrameErrorCode; message: string; ref?: string };
}
export type HubFrame = {
  [K in keyof HubFrames]: { type: K; id: string; ts: string } & HubFrames[K];
}[keyof HubFrames];

/**
 * WebSocket close codes the hub uses, in the private range, and what a machine does next:
 * - 4401 UNAUTHORIZED (no or bad token), 4419 TOKEN_EXPIRED (the token's lifetime ended, checked
 *   every second): get a fresh token with the machine's secret (`POST /v1/machines/token`), reconnect;
 * - 4412 CREDENTIALS_REVOKED: staff rotated the machine's secret; a token request with the stored
 *   secret now fails, so the machine needs its new secret from staff;
 * - 4410 MACHINE_REMOVED: the machine was decommissioned (or is unknown); do not reconnect;
 * - 4408 HEARTBEAT_TIMEOUT, 4409 REPLACED, 4429 FLOODING: reconnect (after a pause for 4429);
 * - 4403 FORBIDDEN: the token is not a machine token.
 */
export const MachineCloseCodes = {
  UNAUTHORIZED: 4401,
  FORBIDDEN: 4403,
  /** Another connection of the same machine took over. */
  REPLACED: 4409,
  HEARTBEAT_TIMEOUT: 4408,
  FLOODING: 4429,
  MACHINE_REMOVED: 4410,
  TOKEN_EXPIRED: 4419,
  CREDENTIALS_REVOKED: 4412,
  /** Live feed: the member already holds as many live sockets as allowed. */
  TOO_MANY_SOCKETS: 4431,
} as const;

/**
 * The `sid` of a machine's tokens: one per secret generation, so revoking `sid.<this>` ends every
 * token obtained with one secret and none obtained with the next.
 */
export const machineSessionId = (machineId: string, generation: number) =>
  `machine-${machineId}-g${generation}`;
