import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import { CommonErrorCodes } from '@nxg/contracts';
import type { Logger } from 'pino';
import { AppError, internalError, toProblem } from '../errors.ts';
import { describeErrors } from '../validation.ts';
import { securityHeaders } from './security-headers.ts';

export interface HttpServerOptions {
  /** Logger options, or a pino instance the process already made. */
  logger: FastifyServerOptions['logger'] | Logger;
  /** Origins allowed to call from a browser; empty → no cross-origin access. */
  corsOrigins?: string[];
  bodyLimit?: number;
  /** Addresses or CIDRs of the proxies whose X-Forwarded-For is believed; false trusts none. */
  trustProxy?: false | string[];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * A Fastify instance with what every service's HTTP side needs: request ids, security headers,
 * CORS allow-list, problem+json errors for everything that goes wrong, and no stack traces out.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const isInstance = typeof (options.logger as Logger | undefined)?.child === 'function';
  const app = Fastify({
    ...(isInstance
      ? { loggerInstance: options.logger as Logger }
      : { logger: options.logger as FastifyServerOptions['logger'] }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? options.trustProxy : false,
    // Not 'x-request-id': Fastify would then take the header as it comes and skip genReqId's check.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // One line per request at debug, written by our onResponse hook, instead of two at info.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Start-up opens the database and runs its migrations inside a plugin: Fastify's 10 s would
    // end a start whose migration rewrites a large table, or an embedded PGlite's first open on a
    // busy machine, and the service would be restarted into the same failure.
    pluginTimeout: 120_000,
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const level = reply.statusCode >= 500 ? 'error' : 'debug';
    request.log[level](
      {
        method: request.method,
        url: request.routeOptions.url ?? request.url,
        status: reply.statusCode,
        ms: reply.elapsedTime,
      },
      'request completed',
    );
  });

  const headers = securityHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
  void app.register(cors, {
    origin: options.corsOrigins?.length ? options.corsOrigins : false,
    credentials: true,
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    if (appError.headers) void reply.headers(appError.headers);
    return reply
      .status(appError.status)
      .type('application/problem+json')
      .send(toProblem(appError, String(request.id)));
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type('application/problem+json')
      .send(
        toProblem(
          new AppError(
            404,
            CommonErrorCodes.ROUTE_NOT_FOUND,
            `No route ${request.method} ${request.url.split('?')[0]}`,
          ),
          String(request.id),
        ),
      ),
  );

  return app as unknown as FastifyInstance;
}

/** Maps Fastify's and our own errors to one AppError, hiding anything unexpected as a 500. */
export function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    const where = error.validationContext ?? 'request';
    return new AppError(400, CommonErrorCodes.VALIDATION_FAILED, `The ${where} is not valid`, {
      details: describeErrors(error.validation as never).map((e) => ({
        ...e,
        path: `${where}${e.path === '/' ? '' : e.path}`,
      })),
    });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(413, CommonErrorCodes.PAYLOAD_TOO_LARGE, 'The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError(415, CommonErrorCodes.UNSUPPORTED_MEDIA_TYPE, 'Send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError(400, CommonErrorCodes.MALFORMED_JSON, 'The request body is not valid JSON');
  }
  if (
    error instanceof SyntaxError ||
    (/prototype property|JSON/i.test(error.message) && error.statusCode === 400)
  ) {
    return new AppError(400, CommonErrorCodes.MALFORMED_JSON, 'The request body is not valid JSON');
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError(error.statusCode, CommonErrorCodes.BAD_REQUEST, error.message);
  }
  return internalError(error);
}
