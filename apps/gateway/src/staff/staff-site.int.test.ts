import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, type TestPlatform } from '@nxg/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffSitePlugin } from './staff-site.ts';

// A build as Vite lays it out: index.html naming content-hashed assets.
const site = mkdtempSync(join(tmpdir(), 'nxg-staff-site-'));
mkdirSync(join(site, 'assets'));
writeFileSync(
  join(site, 'index.html'),
  '<!doctype html><title>Staff</title><script type="module" src="/staff/assets/index-Ab12Cd34.js"></script>',
);
writeFileSync(join(site, 'assets', 'index-Ab12Cd34.js'), 'console.log("board");');
writeFileSync(join(site, 'assets', 'index-Ef56Gh78.css'), 'body{margin:0}');

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startPlatform({ env: { gateway: { STAFF_WEB_DIR: site } } });
});
afterAll(async () => {
  await platform?.stop();
  rmSync(site, { recursive: true, force: true });
});

const get = (url: string) => platform.services.gateway![0]!.app!.inject({ method: 'GET', url });

const directives = (csp: string) =>
  Object.fromEntries(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );

describe('the staff dashboard under /staff', () => {
  it('serves its page uncached, with a policy that allows its own scripts, styles and live socket only', async () => {
    for (const url of ['/staff', '/staff/']) {
      const page = await get(url);
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('/staff/assets/index-Ab12Cd34.js');
      expect(page.headers['cache-control']).toBe('no-cache');
      const csp = directives(String(page.headers['content-security-policy']));
      expect(csp).toMatchObject({
        'default-src': "'none'",
        'script-src': "'self'",
        'style-src': "'self'",
        'connect-src': "'self'",
        'frame-ancestors': "'none'",
        'object-src': "'none'",
      });
      expect(JSON.stringify(csp)).not.toMatch(/unsafe-inline|unsafe-eval|https:|\*/);
      // The platform's other security headers still apply.
      expect(page.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('lets browsers keep content-hashed assets for a year', async () => {
    const script = await get('/staff/assets/index-Ab12Cd34.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const style = await get('/staff/assets/index-Ef56Gh78.css');
    expect(style.headers['content-type']).toMatch(/^text\/css/);
    expect(style.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves nothing outside its build, and leaves the API its own policy', async () => {
    for (const url of [
      '/staff/assets/missing.js',
      '/staff/../package.json',
      '/staff/%2e%2e/%2e%2e/package.json',
    ]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
    }
    const api = await get('/v1/me');
    expect(api.statusCode).toBe(401);
    expect(api.headers['content-security-policy']).not.toContain("connect-src 'self'");
  });

  it('is off, not broken, when the dashboard was never built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'nxg-staff-empty-'));
    const app = Fastify();
    try {
      await app.register(staffSitePlugin, { dir: empty });
      expect((await app.inject({ method: 'GET', url: '/staff' })).statusCode).toBe(404);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
