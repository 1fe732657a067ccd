import Type, { type Static } from 'typebox';
import { BodyComposition, Id, Timestamp } from '../identity/schemas.ts';

export const ScanStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('processing'),
  Type.Literal('done'),
  Type.Literal('failed'),
]);
export type ScanStatus = Static<typeof ScanStatus>;

/** An InBody export (its figures are read and checked at upload) or a raw scan file (read by the scanning service). */
export const ScanKind = Type.Union([Type.Literal('inbody'), Type.Literal('scan-file')]);
export type ScanKind = Static<typeof ScanKind>;

/** File types accepted by `POST /v1/scans`, and what each is. */
export const scanFileTypes: Readonly<Record<string, ScanKind>> = {
  'text/csv': 'inbody',
  'application/json': 'inbody',
  'model/obj': 'scan-file',
  'model/ply': 'scan-file',
  'model/stl': 'scan-file',
  'application/octet-stream': 'scan-file',
};

/** The stored upload as the gateway hands it to identity (the bytes stay in object storage, DESIGN D9). */
export const UploadedFile = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 512 }),
    size: Type.Integer({ minimum: 0 }),
    contentType: Type.String({ maxLength: 100 }),
    name: Type.String({ maxLength: 255 }),
  },
  { additionalProperties: false },
);

export const Scan = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  status: ScanStatus,
  kind: ScanKind,
  fileName: Type.String(),
  /** Who uploaded it: the member, or branch staff. */
  uploadedBy: Type.String(),
  branchId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  completedAt: Type.Union([Timestamp, Type.Null()]),
  /** Why it failed (`failed` only): timed out, rejected by the scanning service… */
  failureReason: Type.Union([Type.String(), Type.Null()]),
  /** The body-composition entry it became (`done`, the member only). */
  measurements: Type.Optional(BodyComposition),
  /** A short-lived link to the 3D avatar (`done`, the member only). */
  avatarUrl: Type.Optional(Type.String()),
  avatarUrlExpiresAt: Type.Optional(Timestamp),
});
export type Scan = Static<typeof Scan>;

export const ScanAccepted = Type.Object({ scanId: Type.String(), status: ScanStatus });

export const ScanIdParams = Type.Object({ scanId: Id }, { additionalProperties: false });
