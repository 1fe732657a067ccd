import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../apps/staff-web/scripts/build-if-stale.ts', import.meta.url));

/**
 * Builds the staff dashboard (apps/staff-web) when it has no build or its sources changed, so that
 * `pnpm install && pnpm start` serves /staff with no extra step. A failed build leaves the API
 * running: the gateway then answers 404 on /staff and says why in its log.
 */
export async function buildStaffWeb(say: (line: string) => void): Promise<boolean> {
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', () => resolve(null));
    child.on('close', resolve);
  });
  const text = output.join('').trim();
  if (code === 0) say(text);
  else say(`the staff dashboard did not build (exit ${code}); /staff is off:\n${text}`);
  return code === 0;
}
