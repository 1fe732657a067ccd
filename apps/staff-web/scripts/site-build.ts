import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The staff dashboard's folder (apps/staff-web). */
export const siteRoot = fileURLToPath(new URL('..', import.meta.url));
export const defaultOutDir = join(siteRoot, 'dist');

/** What a build is made from: when one of these is newer than the build, it is stale. */
const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Whether `outDir` holds no build, or one older than a source file. */
export function isStale(outDir = defaultOutDir, root = siteRoot): boolean {
  const built = join(outDir, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return sources.some((s) => existsSync(join(root, s)) && newestMtime(join(root, s)) > builtAt);
}

/** Builds the dashboard with Vite into `outDir` (the gateway serves it under /staff). */
export async function buildSite(outDir = defaultOutDir): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: join(siteRoot, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}
