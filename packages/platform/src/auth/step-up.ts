import { CommonErrorCodes, type RequestContext } from '@nxg/contracts';
import type { Logger } from 'pino';
import type { Binding } from '../bus/rpc.ts';
import { AppError } from '../errors.ts';

/** How long a proof of the second factor counts for sensitive operations. */
export const STEP_UP_MAX_AGE_MS = 10 * 60_000;

/**
 * For sensitive operations (erasure, password change, staff roles, machine actions): an account
 * with MFA must have proved it within the last ten minutes (POST /v1/auth/mfa/step-up), so a
 * stolen access token alone cannot do them. Accounts without MFA pass.
 */
export function requireRecentMfa(ctx: RequestContext, now: number = Date.now()): void {
  if (!ctx.mfa?.enrolled) return;
  const provenAt = ctx.mfa.provenAt;
  if (provenAt !== undefined && now - provenAt * 1000 <= STEP_UP_MAX_AGE_MS) return;
  throw new AppError(
    403,
    CommonErrorCodes.STEP_UP_REQUIRED,
    'Confirm it is you: send a code to POST /v1/auth/mfa/step-up, then retry with the new access token',
  );
}

/** A platform admin calling an operation open to platform admins. */
function actsAsPlatformAdmin(binding: Binding, ctx: RequestContext): boolean {
  const access = binding.op.access;
  return access !== 'public' && access.includes('platform_admin') && ctx.roles.includes('platform_admin');
}

/**
 * Platform admins without MFA: refused on admin operations in production until they enrol
 * (403 MFA_ENROLMENT_REQUIRED); elsewhere served, with a warning in the log.
 */
export function requireAdminMfa(
  bindings: Binding[],
  options: { production: boolean; logger: Logger },
): Binding[] {
  return bindings.map((binding) => ({
    op: binding.op,
    handle: (input, ctx) => {
      if (actsAsPlatformAdmin(binding, ctx) && !ctx.mfa?.enrolled) {
        if (options.production) {
          return Promise.reject(
            new AppError(
              403,
              CommonErrorCodes.MFA_ENROLMENT_REQUIRED,
              'Enrol a second factor (POST /v1/me/mfa/totp) before using admin operations',
            ),
          );
        }
        options.logger.warn(
          { userId: ctx.userId, operation: binding.op.name },
          'platform admin without MFA: refused in production',
        );
      }
      return binding.handle(input, ctx);
    },
  }));
}
