import type { FastifyRequest } from 'fastify';

/**
 * Whom a request counts against: the signed-in account, else the client address. `req.ip` can be
 * missing (injected WebSocket requests), so fall back to a fixed bucket rather than crash.
 */
export const ipKey = (request: FastifyRequest): string => `ip:${request.ip ?? 'unknown'}`;

export const clientKey = (request: FastifyRequest): string =>
  request.caller ? `user:${request.caller.userId}` : ipKey(request);
