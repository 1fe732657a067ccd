import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { securityHeaders } from '@nxg/platform';
import type { FastifyInstance } from 'fastify';

/** Where `pnpm start` (tools/launcher) builds the staff dashboard when STAFF_WEB_DIR is not set. */
export const defaultStaffWebDir = fileURLToPath(new URL('../../../staff-web/dist', import.meta.url));

/**
 * The dashboard's Content-Security-Policy: its own scripts, styles and fonts, its API and live
 * socket on this origin ('self' covers ws:/wss: to the same host), and images from itself or
 * data: URIs (the style sheet's inline SVG icons). Nothing inline runs, nothing frames it.
 */
const staffCsp = Object.fromEntries(
  securityHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'none'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'manifest-src': ["'self'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'object-src': ["'none'"],
      },
    },
  }).filter(([name]) => name.toLowerCase() === 'content-security-policy'),
);

/** Vite names built assets by their content hash: they never change, so browsers keep them. */
const cacheControlFor = (path: string) =>
  path.includes(`${sep}assets${sep}`)
    ? 'public, max-age=31536000, immutable'
    : path.endsWith('.html')
      ? 'no-cache'
      : 'public, max-age=3600';

/**
 * `GET /staff`: the staff dashboard's single page and its assets, built by Vite into `dir`. It speaks
 * the same public API and live feed as any client. Without a build the routes are absent (404) and
 * the gateway says so once at start.
 */
export async function staffSitePlugin(app: FastifyInstance, options: { dir: string }): Promise<void> {
  const dir = isAbsolute(options.dir) ? options.dir : resolve(options.dir);
  if (!existsSync(join(dir, 'index.html'))) {
    app.log.info({ dir }, 'staff dashboard not built (pnpm --filter @nxg/staff-web build): /staff is off');
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/staff/',
    index: false,
    cacheControl: false,
    redirect: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', cacheControlFor(path));
      for (const [name, value] of Object.entries(staffCsp)) reply.header(name, value);
    },
  });
  const page = (_request: unknown, reply: { sendFile: (file: string) => unknown }) =>
    reply.sendFile('index.html');
  app.get('/staff', { schema: { hide: true } }, page as never);
  app.get('/staff/', { schema: { hide: true } }, page as never);
}
