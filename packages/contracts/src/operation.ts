import Type, { type Static, type TObject, type TProperties, type TSchema } from 'typebox';
import type { ErrorCode } from './error-codes.ts';

/** A multipart image upload route (see Operation.http.upload). */
export interface UploadSpec {
  /** The form field that carries the file. */
  fileField: string;
  /** The text fields the form may carry beside it: passed on in the body. */
  fields: TObject;
  /** Largest file in bytes, enforced while it streams in. */
  maxBytes: number;
  /** Object keys are `<keyPrefix>/<userId>/<id>.jpg`. */
  keyPrefix: string;
  /** The body property that receives the stored image (`StoredImage`). */
  imageProperty: string;
  /** The body property that receives the id chosen for the new resource (the object's name). */
  idProperty: string;
}

/** Who may call an operation. `member` is held by every human account; `machine` only by machine tokens. */
export type Role = 'member' | 'trainer' | 'branch_admin' | 'platform_admin' | 'machine';
export type BranchRole = 'trainer' | 'branch_admin';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A REST route and the NATS subject behind it, declared once and used by gateway, service and docs. */
export interface Operation<
  P extends TProperties = TProperties,
  Q extends TProperties = TProperties,
  B extends TProperties = TProperties,
  O extends TSchema | null = TSchema | null,
> {
  /** `<service>.<operation>`, also the tail of the NATS subject. */
  name: string;
  service: string;
  subject: string;
  summary: string;
  /** Absent for internal operations: served over NATS only, never routed by the gateway. */
  http?: {
    method: HttpMethod;
    path: string;
    status: number;
    /** `auth` routes get the stricter per-IP limit (login, register, refresh). */
    rateLimit?: 'auth';
    /** Largest accepted body in bytes (the gateway's default applies when absent). */
    bodyLimit?: number;
    /**
     * The route takes a multipart upload of one image instead of JSON: the gateway checks and
     * stores the image, then sends the operation `body` with the stored object in `imageProperty`
     * and the form's text fields beside it (apps/gateway/src/uploads).
     */
    upload?: UploadSpec;
    /**
     * A multipart upload of a file kept as it is (a scan export): the gateway streams the file part
     * to object storage and sends the service `{ ...fields, file: { key, size, contentType, name } }`
     * (binaries never go over NATS; apps/gateway/src/scans).
     */
    fileUpload?: { maxBytes: number; contentTypes: readonly string[]; fields: TObject };
    /** A signed webhook: the gateway passes the raw body and the `webhook-*` headers on unparsed. */
    webhook?: boolean;
  };
  /** `public`, or the roles allowed (any one of them suffices). */
  access: 'public' | readonly Role[];
  /**
   * The services allowed to call this operation on their own behalf: for internal operations (no
   * `http`) the only callers the serving service accepts; for role-checked ones, the services that
   * may call without a user's context (the gateway and machine-hub vouch for users).
   */
  callers: readonly string[];
  /**
   * Critical writes (register, link, manual log, meal photo…): the gateway honours an
   * `Idempotency-Key` header on them, so a retried request has one effect.
   */
  critical: boolean;
  params: TObject<P> | undefined;
  query: TObject<Q> | undefined;
  body: TObject<B> | undefined;
  /** `null` for operations that answer 204 No Content. */
  output: O;
  /**
   * The codes this operation's own handler may answer with. Those every operation of its kind can
   * answer (validation, auth, rate limit, timeouts…) are added by rule: see `problemsOf`.
   */
  errors: readonly ErrorCode[];
}

export interface OperationSpec<
  P extends TProperties,
  Q extends TProperties,
  B extends TProperties,
  O extends TSchema | null,
> {
  summary: string;
  http?: Operation['http'];
  access: Operation['access'];
  callers?: readonly string[];
  critical?: boolean;
  params?: TObject<P>;
  query?: TObject<Q>;
  body?: TObject<B>;
  output: O;
  errors?: readonly ErrorCode[];
}

/** No properties: the default for an operation without params, query or body. */
type Empty = Record<never, never>;

export function defineOperation<
  P extends TProperties = Empty,
  Q extends TProperties = Empty,
  B extends TProperties = Empty,
  O extends TSchema | null = null,
>(service: string, operation: string, spec: OperationSpec<P, Q, B, O>): Operation<P, Q, B, O> {
  const name = `${service}.${operation}`;
  return {
    name,
    service,
    subject: `svc.${name}`,
    summary: spec.summary,
    http: spec.http,
    access: spec.access,
    callers: spec.callers ?? [],
    critical: spec.critical ?? false,
    params: spec.params,
    query: spec.query,
    body: spec.body,
    output: spec.output,
    errors: spec.errors ?? [],
  };
}

type PropsOf<T> = [Exclude<T, undefined>] extends [TObject<infer P>] ? P : Empty;

/** What the service receives: path params, query and body merged into one object. */
export type OperationInput<Op extends Operation> = Static<
  TObject<PropsOf<Op['params']> & PropsOf<Op['query']> & PropsOf<Op['body']>>
>;

export type OperationOutput<Op extends Operation> = Op['output'] extends TSchema
  ? Static<Op['output']>
  : void;

/** The schema of the merged input, so a service can check what arrives over NATS. */
export function operationInputSchema(op: Operation): TObject {
  const properties = { ...op.params?.properties, ...op.query?.properties, ...op.body?.properties };
  return Type.Object(properties, { additionalProperties: false });
}
