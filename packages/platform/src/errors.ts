import { CommonErrorCodes, type ErrorBody, type ErrorCode, type ErrorStatus } from '@nxg/contracts';
import type { FieldError } from './validation.ts';

/**
 * The one error type services throw on purpose: a stable `code` clients switch on, and an HTTP
 * status. The code must be one a catalog in contracts declares, and the status the one it declares
 * for that code, so the OpenAPI document built from those catalogs cannot drift from the handlers.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly code: C;
  readonly details: unknown;
  /** Extra response headers, e.g. Retry-After on 429. */
  readonly headers: Record<string, string> | undefined;
  /** Extra members of the problem document, e.g. MFA_REQUIRED's `mfaToken`. */
  readonly extensions: Record<string, string> | undefined;

  constructor(
    status: ErrorStatus<C>,
    code: C,
    message: string,
    options: {
      details?: unknown;
      headers?: Record<string, string>;
      extensions?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
    this.extensions = options.extensions;
  }

  toBody(): ErrorBody {
    return {
      status: this.status,
      code: this.code,
      message: this.message,
      details: this.details,
      headers: this.headers,
      extensions: this.extensions,
    };
  }

  /** An error another service answered with: its code was declared where that service was built. */
  static fromBody(body: ErrorBody): AppError {
    return new AppError(body.status, body.code as ErrorCode, body.message, {
      details: body.details,
      headers: body.headers,
      extensions: body.extensions,
    });
  }
}

export const validationError = (errors: FieldError[], where = 'request') =>
  new AppError(400, CommonErrorCodes.VALIDATION_FAILED, `The ${where} is not valid`, { details: errors });

export const notFound = (what: string) => new AppError(404, CommonErrorCodes.NOT_FOUND, `${what} not found`);

export const forbidden = (message = 'You may not do this') =>
  new AppError(403, CommonErrorCodes.FORBIDDEN, message);

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** problem+json for an error; 5xx details are hidden behind the request id to quote. */
export function toProblem(error: AppError, requestId: string): ProblemDocument {
  const hidden = error.status >= 500 && error.code === CommonErrorCodes.INTERNAL;
  const problem: ProblemDocument = {
    type: `urn:nxg:problem:${error.code.toLowerCase()}`,
    title: titles[error.status] ?? 'Error',
    status: error.status,
    detail: hidden ? `Something went wrong on our side; quote ${requestId} when reporting it` : error.message,
    code: error.code,
    requestId,
  };
  if (Array.isArray(error.details)) problem.errors = error.details as FieldError[];
  // Extensions never replace the standard members.
  if (error.extensions) return { ...error.extensions, ...problem };
  return problem;
}

export const internalError = (cause: unknown) =>
  new AppError(500, CommonErrorCodes.INTERNAL, 'Internal error', { cause });
