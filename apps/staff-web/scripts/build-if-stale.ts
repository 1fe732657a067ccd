/**
 * `node apps/staff-web/scripts/build-if-stale.ts`: builds the staff dashboard when it has no build
 * or its sources changed since. `pnpm start` runs it before the gateway, so a fresh clone's
 * `pnpm install && pnpm start` serves /staff without a separate step.
 */
import { buildSite, defaultOutDir, isStale } from './site-build.ts';

if (isStale()) {
  const started = Date.now();
  await buildSite();
  console.log(`staff dashboard built into ${defaultOutDir} in ${Date.now() - started} ms`);
} else {
  console.log('staff dashboard build is up to date');
}
