import { CommonErrorCodes, type RequestContext } from '@nxg/contracts';
import { AppError } from './errors.ts';

/** The caller's user id; the gateway sets it for every non-public route, so its absence is a 401. */
export function requireUser(ctx: RequestContext): string {
  if (!ctx.userId) throw new AppError(401, CommonErrorCodes.UNAUTHENTICATED, 'Sign in first');
  return ctx.userId;
}
