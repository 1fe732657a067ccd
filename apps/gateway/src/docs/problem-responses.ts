import { STATUS_CODES } from 'node:http';
import type { SwaggerTransform } from '@fastify/swagger';
import { errorCatalog, Problem, problemsOf, type Operation } from '@nxg/contracts';

/** Where the OpenAPI document keeps the problem+json schema every error response refers to. */
export const problemSchemaRef = '#/components/schemas/Problem';
export const problemComponents = { Problem };

/**
 * An operation's error responses as OpenAPI: one per HTTP status it may answer, in
 * application/problem+json, with the codes that status may carry as an enum and described.
 */
export function problemResponses(op: Operation): Record<number, object> {
  const responses: Record<number, object> = {};
  for (const [status, codes] of problemsOf(op)) {
    responses[status] = {
      description: [
        `${STATUS_CODES[status] ?? 'Error'}; \`code\` is one of:`,
        ...codes.map((code) => `- \`${code}\`: ${errorCatalog[code].description}`),
      ].join('\n'),
      content: {
        'application/problem+json': {
          schema: {
            allOf: [
              { $ref: problemSchemaRef },
              { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: codes } } },
            ],
          },
        },
      },
    };
  }
  return responses;
}

/** The `Idempotency-Key` request header of critical writes (routes/idempotency.ts). */
export const idempotencyKeyHeader = {
  type: 'object',
  properties: {
    'Idempotency-Key': {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      pattern: '^[\\x21-\\x7E]+$',
      description:
        'A key of your choosing (a UUID) that makes a retry safe: the same key and body within 24 h ' +
        'answer the first answer again, with `Idempotent-Replayed: true`, and do nothing twice. The ' +
        'same key with another body answers 422 `IDEMPOTENCY_KEY_REUSED`; while the first request ' +
        'is still running, 409 `IDEMPOTENCY_KEY_IN_PROGRESS`. 5xx answers are not kept.',
    },
  },
} as const;

/**
 * Adds the problem responses to an operation's route in the OpenAPI document only: declared as
 * route response schemas, they would also change how Fastify serialises the errors themselves.
 */
export const documentProblems =
  (op: Operation): SwaggerTransform =>
  ({ schema, url }) => {
    // An operation without output answers 204 with no body.
    const success =
      op.output === null ? { [op.http!.status]: { description: 'No Content', type: 'null' } } : {};
    const response = { ...success, ...(schema.response as object | undefined), ...problemResponses(op) };
    // Documented only: the gateway checks the header itself, to answer IDEMPOTENCY_KEY_INVALID.
    const headers = op.critical && op.http!.method !== 'GET' ? { headers: idempotencyKeyHeader } : {};
    return { url, schema: { ...schema, ...headers, response } };
  };
