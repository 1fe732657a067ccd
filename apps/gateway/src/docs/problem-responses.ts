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
    return { url, schema: { ...schema, response } };
  };
