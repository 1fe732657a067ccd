import { Secret, TOTP } from 'otpauth';

/**
 * A staff member's authenticator app: a code for each 30 s step not used before (identity refuses
 * a step twice), the current one or, as its clock-drift window allows, the next.
 */
export function authenticator(secretBase32: string): () => string {
  const totp = new TOTP({
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secretBase32),
  });
  let lastStep = -1;
  return () => {
    const current = Math.floor(Date.now() / 30_000);
    const step = Math.max(current, lastStep + 1);
    if (step > current + 1) throw new Error('both usable time steps are spent: wait for the next period');
    lastStep = step;
    return totp.generate({ timestamp: step * 30_000 });
  };
}
