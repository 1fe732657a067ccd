import { IdentityErrors } from '@nxg/contracts';
import { AppError, canonicalTimeZone } from '@nxg/platform';

/** The zone as IANA spells it (stored that way, so every service reads one spelling), or a 400. */
export function requireTimeZone(timezone: string): string {
  const canonical = canonicalTimeZone(timezone);
  if (!canonical) {
    throw new AppError(400, IdentityErrors.INVALID_TIMEZONE, `${timezone} is not an IANA time zone`);
  }
  return canonical;
}
