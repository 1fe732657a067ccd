/** The IANA zone's canonical spelling (europe/berlin → Europe/Berlin), or undefined if it is none. */
export function canonicalTimeZone(timezone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
