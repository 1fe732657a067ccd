import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  adminEnv,
  apiClient,
  fixtureSecrets,
  openGym,
  platformAdmin,
  registerMember,
  startPlatform,
  type ApiClient,
  type Gym,
  type TestPlatform,
} from '@nxg/testing';
// jsqr is CommonJS: its default import is the module, whose `default` is the decoder.
import jsqr from 'jsqr';
import type { BrowserContext, Locator, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../scripts/site-build.ts';
import { authenticator } from './authenticator.ts';
import { launchChromium } from './browser.ts';
import { SimulatorProcess, type SimulatedMachine } from './simulator-process.ts';
import { signInAs } from './staff-page.ts';

/** Screenshots of the board, kept after the run (gitignored). */
const artifacts = fileURLToPath(new URL('../../../artifacts/staff-web/', import.meta.url));
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let work: string;
let platform: TestPlatform;
let api: ApiClient;
let gym: Gym;
let sim: SimulatorProcess;
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;
let staff: { email: string; password: string };
let trainer: { email: string; password: string };
let member: Awaited<ReturnType<typeof registerMember>>;
/** A second branch, for the platform admin's branch picker. */
let otherBranch: { id: string; name: string };
/** Branch staff with TOTP enrolled: their authenticator and recovery codes. */
let mfaStaff: { email: string; userId: string; code: () => string; recoveryCodes: string[] };
const machines: SimulatedMachine[] = [];
const cspViolations: string[] = [];
/** Every request the page made (method and URL) and every socket it opened: all must be the public API's. */
const requests: { method: string; url: string }[] = [];
const sockets: string[] = [];

// CI installs Debian's Chromium (.ci/run); elsewhere, without it, say so and skip.
const chromiumThere = existsSync('/usr/bin/chromium');
if (!chromiumThere)
  console.warn(
    '[staff-web] /usr/bin/chromium is missing (apt-get install -y chromium): browser tests skipped',
  );

beforeAll(async () => {
  if (!chromiumThere) return;
  work = mkdtempSync(join(tmpdir(), 'nxg-staff-web-'));
  mkdirSync(artifacts, { recursive: true });
  const site = join(work, 'site');
  // The one build of the page for this run, served by both gateways.
  const [started] = await Promise.all([
    startPlatform({
      replicas: { gateway: 2, 'machine-hub': 1, workout: 1, analytics: 1 },
      env: { identity: adminEnv, gateway: { STAFF_WEB_DIR: site } },
    }),
    buildSite(site),
  ]);
  platform = started;
  api = apiClient(platform.gatewayUrl);
  gym = await openGym(platform, 'Front desk');

  const account = await registerMember(api, { name: 'Fran Desk' });
  const made = await api.put(
    `/v1/branches/${gym.branchId}/staff/${account.user.id}`,
    { role: 'branch_admin' },
    gym.adminToken,
  );
  expect(made.status).toBe(200);
  staff = { email: account.email, password: fixtureSecrets.memberPassword };
  member = await registerMember(api, { name: 'Ada Lovelace' });
  // Grace checks in at the desk and has not used a machine yet.
  const grace = await registerMember(api, { name: 'Grace Hopper' });
  expect(
    (await api.post('/v1/sessions/check-in', { branchId: gym.branchId }, grace.accessToken)).status,
  ).toBe(201);
  const other = await api.post('/v1/branches', { name: 'Other desk', address: '2 Gym Road' }, gym.adminToken);
  expect(other.status).toBe(201);
  otherBranch = { id: other.body.id, name: other.body.name };
  mfaStaff = await staffWithMfa();
  const coach = await registerMember(api, { name: 'Tina Trainer' });
  const appointed = await api.put(
    `/v1/branches/${gym.branchId}/staff/${coach.user.id}`,
    { role: 'trainer' },
    gym.adminToken,
  );
  expect(appointed.status).toBe(200);
  trainer = { email: coach.email, password: fixtureSecrets.memberPassword };

  for (const [name, type, kind] of [
    ['Treadmill A', 'cardio', 'treadmill'],
    ['Bike B', 'cardio', 'bike'],
    ['Rack C', 'strength', 'strength'],
  ] as const) {
    const created = await api.post(
      `/v1/branches/${gym.branchId}/machines`,
      { name, type, location: 'Floor 1' },
      gym.adminToken,
    );
    expect(created.status).toBe(201);
    machines.push({ ...created.body.credentials, name, kind });
  }
  sim = new SimulatorProcess({
    dir: work,
    machines,
    gatewayUrl: platform.gatewayUrl,
    hubUrl: platform.hubUrls[0]!,
  });

  browser = await launchChromium(platform.gatewayUrl);
  page = await browser.context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('request', (request) => requests.push({ method: request.method(), url: request.url() }));
  page.on('websocket', (socket) => sockets.push(socket.url()));
}, 120_000);

afterAll(async () => {
  sim?.kill();
  await browser?.close();
  await platform?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** An account made branch admin of the gym, with TOTP enrolled. */
async function staffWithMfa() {
  const account = await registerMember(api, { name: 'Max Factor' });
  const enrolment = await api.post('/v1/me/mfa/totp', undefined, account.accessToken);
  expect(enrolment.status).toBe(201);
  const code = authenticator(enrolment.body.secret);
  const confirmed = await api.post('/v1/me/mfa/totp/verify', { code: code() }, account.accessToken);
  expect(confirmed.status).toBe(200);
  const made = await api.put(
    `/v1/branches/${gym.branchId}/staff/${account.user.id}`,
    { role: 'branch_admin' },
    gym.adminToken,
  );
  expect(made.status).toBe(200);
  return { email: account.email, userId: account.user.id, code, recoveryCodes: confirmed.body.recoveryCodes };
}

const card = (name: string): Locator => page.getByRole('article', { name });
const status = (name: string) => card(name).locator('.status-badge');

const signIn = (login: string, password: string) => signInAs(page, login, password);

/** axe-core in the page (evaluated, as the page's CSP admits no injected script tag): serious or worse. */
async function seriousViolations(): Promise<{ id: string; impact: string; nodes: number }[]> {
  await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    (
      window as unknown as {
        axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
      }
    ).axe.run(),
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
}

/**
 * Reads the QR code a dialog shows as the installer's phone would: the SVG drawn on a canvas in the
 * page (a data: image, which the page's CSP admits), its pixels decoded by jsQR.
 */
async function scanQrCode(dialog: Locator): Promise<unknown> {
  const size = 240;
  const pixels = await dialog.locator('.qr svg').evaluate(async (svg, side) => {
    const copy = svg.cloneNode(true) as SVGSVGElement;
    copy.setAttribute('width', String(side));
    copy.setAttribute('height', String(side));
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(copy))}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = side;
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, side, side);
    context.drawImage(image, 0, 0, side, side);
    return Array.from(context.getImageData(0, 0, side, side).data);
  }, size);
  const code = jsqr.default(Uint8ClampedArray.from(pixels), size, size);
  expect(code, 'a readable QR code').not.toBeNull();
  return JSON.parse(code!.data);
}

/** A Content-Security-Policy header as its directives. */
const directives = (csp: string) =>
  Object.fromEntries(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );

const memberLink = (qrToken: string) => api.post('/v1/machines/link', { qrToken }, member.accessToken);

describe.skipIf(!chromiumThere)('the staff dashboard in a browser', () => {
  it('is served under /staff: the page uncached, its hashed assets kept a year, a CSP of its own origin only', async () => {
    const assets: { url: string; cacheControl: string | undefined }[] = [];
    const onResponse = (response: Response) => {
      if (new URL(response.url()).pathname.startsWith('/staff/assets/'))
        assets.push({ url: response.url(), cacheControl: response.headers()['cache-control'] });
    };
    page.on('response', onResponse);
    const answer = await page.goto('/staff');
    await page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
    page.off('response', onResponse);

    expect(answer!.status()).toBe(200);
    const headers = answer!.headers();
    expect(headers['cache-control']).toBe('no-cache');
    expect(directives(headers['content-security-policy']!)).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self' data:",
      'font-src': "'self'",
      'connect-src': "'self'",
      'manifest-src': "'self'",
      'base-uri': "'none'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
      'object-src': "'none'",
    });
    // Vite's build: nothing inline for the policy to refuse, assets named by their content hash.
    const html = await answer!.text();
    expect(html.match(/<script\b[^>]*>/g)?.every((tag) => / src="\/staff\/assets\//.test(tag))).toBe(true);
    expect(html).not.toMatch(/<style\b|\sstyle="/);
    const paths = assets.map((a) => new URL(a.url).pathname);
    expect(paths).toHaveLength(2);
    expect(paths).toContainEqual(expect.stringMatching(/^\/staff\/assets\/index-[\w-]{8}\.js$/));
    expect(paths).toContainEqual(expect.stringMatching(/^\/staff\/assets\/index-[\w-]{8}\.css$/));
    for (const asset of assets)
      expect(asset.cacheControl, asset.url).toBe('public, max-age=31536000, immutable');
  });

  it("refuses a member's account, saying it is not staff", async () => {
    await signIn(member.email, fixtureSecrets.memberPassword);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not on any branch’s staff');
    await expect.poll(() => page.getByRole('heading', { name: 'Staff sign-in' }).isVisible()).toBe(true);
    expect(await seriousViolations()).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'member-refused.png') });
  });

  it("shows branch staff the simulator's machines, live", async () => {
    await signIn(staff.email, staff.password);
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 15_000 }).toBe('Live');
    for (const m of machines) {
      await expect.poll(() => status(m.name).textContent(), { timeout: 15_000 }).toBe('Available');
    }
    expect(await page.locator('[data-count="available"]').textContent()).toBe('3');
    await expect.poll(() => card('Treadmill A').textContent()).toMatch(/Last heartbeat\d+ s ago/);
    // The last heartbeat moves with the machine's heartbeats (every 2 s here), from the live feed.
    const heartbeat = card('Rack C').locator('time');
    const first = Date.parse((await heartbeat.getAttribute('datetime'))!);
    await expect
      .poll(async () => Date.parse((await heartbeat.getAttribute('datetime'))!), { timeout: 5_000 })
      .toBeGreaterThan(first);
    expect(await heartbeat.textContent()).toMatch(/^[0-2] s ago$/);
    // Filters by type and by status.
    const shown = () => page.locator('article.machine h3').allTextContents();
    const filters = page.getByRole('group', { name: 'Filter machines' });
    await filters.getByLabel('Type').selectOption('strength');
    await expect.poll(shown).toEqual(['Rack C']);
    await filters.getByLabel('Type').selectOption('all');
    await filters.getByLabel('Status').selectOption('maintenance');
    await expect.poll(() => page.getByText('No machine matches these filters.').isVisible()).toBe(true);
    await filters.getByLabel('Status').selectOption('all');
    await expect.poll(shown).toEqual(['Bike B', 'Rack C', 'Treadmill A']);
  });

  it('turns a machine occupied when a member links to it, with their name and moving figures', async () => {
    const linked = await memberLink(await sim.qrOf('Treadmill A'));
    expect(linked.status).toBe(200);
    const linkedAt = Date.now();
    await expect.poll(() => status('Treadmill A').textContent(), { interval: 50 }).toBe('Occupied');
    const tookMs = Date.now() - linkedAt;
    console.info(`[staff-web] occupied on the board ${tookMs} ms after the link was answered`);
    expect(tookMs).toBeLessThan(1000);
    await expect.poll(() => card('Treadmill A').locator('.member').textContent()).toBe('Ada');
    const speed = card('Treadmill A').locator('[data-figure="speed"]');
    await expect.poll(() => speed.textContent()).toMatch(/^\d+\.\d km\/h$/);
    const readings = new Set<string>();
    await expect
      .poll(
        async () => {
          readings.add(
            `${await speed.textContent()} ${await card('Treadmill A').locator('[data-figure="heart-rate"]').textContent()}`,
          );
          return readings.size;
        },
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(3);
    expect(await page.locator('[data-count="occupied"]').textContent()).toBe('1');
    await page.screenshot({ path: join(artifacts, 'board-occupied.png'), fullPage: true });
  });

  it('lists the members in the gym now, since when and on which machines', async () => {
    const row = page.getByRole('row', { name: /Ada/ });
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain('Treadmill A');
    // Since when: the session's start, a moment ago (the link opened it).
    const since = Date.parse((await row.locator('time').getAttribute('datetime'))!);
    expect(Date.now() - since).toBeGreaterThanOrEqual(0);
    expect(Date.now() - since).toBeLessThan(60_000);
    expect(await row.locator('td').first().textContent()).toMatch(/^\d{2}:\d{2}.* · 0 min$/);
    // Checked in at the desk, on no machine yet.
    const grace = page.getByRole('row', { name: /Grace/ });
    expect(await grace.locator('td').allTextContents()).toEqual([
      expect.stringMatching(/ · 0 min$/),
      'none yet',
    ]);
    expect(await page.getByRole('heading', { name: /In the gym now/ }).textContent()).toBe(
      'In the gym now (2)',
    );
  });

  it('opens a challenge from the page and shows its standings once a member joins', async () => {
    await page.getByRole('button', { name: 'New challenge' }).click();
    const dialog = page.getByRole('dialog', { name: 'New challenge' });
    await dialog.getByLabel('Name').fill('Desk week');
    await dialog.getByLabel('Ranked by').selectOption('sessions');
    await dialog.getByRole('button', { name: 'Open the challenge' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    const item = page.locator('details.challenge', { hasText: 'Desk week' });
    await expect.poll(() => item.locator('summary').textContent()).toMatch(/Gym sessions · .* · 0 entrants/);
    const challengeId = (await item.getAttribute('data-challenge-id'))!;
    const listed = await api.get(`/v1/challenges?branchId=${gym.branchId}`, gym.adminToken);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: challengeId, name: 'Desk week', metric: 'sessions' }),
    ]);

    // Ada, in the gym, joins from her phone (once analytics has seen her session at the branch).
    await expect
      .poll(
        async () =>
          (await api.post(`/v1/challenges/${challengeId}/join`, undefined, member.accessToken)).status,
        {
          timeout: 10_000,
        },
      )
      .toBe(200);
    await item.locator('summary').click();
    await expect
      .poll(() => item.getByRole('row', { name: /Ada/ }).locator('td').first().textContent())
      .toBe('1');
    expect(await seriousViolations()).toEqual([]);
  });

  it('puts a machine into maintenance from the page: the machine hears it and refuses links', async () => {
    const mark = sim.mark;
    await page.getByRole('button', { name: 'Maintenance… (Treadmill A)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Maintenance: Treadmill A' });
    await dialog.getByLabel('Kind of work').selectOption('repair');
    await dialog.getByLabel('Note').fill('Belt slipping');
    await dialog.getByRole('button', { name: 'Put into maintenance' }).click();
    await expect.poll(() => status('Treadmill A').textContent()).toBe('Maintenance');
    await expect.poll(() => card('Treadmill A').locator('.member').count()).toBe(0);
    // The hub ended the workout on the machine, which shows a QR code again; it is refused.
    await sim.said('Treadmill A unlinked (maintenance)', mark);
    const refused = await memberLink(await sim.qrOf('Treadmill A', mark));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('MACHINE_UNAVAILABLE');

    // Back in service, with the log of what was done.
    await page.getByRole('button', { name: 'Back in service… (Treadmill A)' }).click();
    const back = page.getByRole('dialog', { name: 'Back in service: Treadmill A' });
    await expect
      .poll(() => back.locator('.maintenance-log').textContent())
      .toContain('repair: Belt slipping');
    await back.getByLabel('Note').fill('Belt replaced');
    await back.getByRole('button', { name: 'Put back in service' }).click();
    await expect.poll(() => status('Treadmill A').textContent()).toBe('Available');
  });

  it('adds a machine and shows its credentials once, with a copy button and a QR code; rotates its secret', async () => {
    await page.getByRole('button', { name: 'Add machine' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a machine' });
    await dialog.getByLabel('Name').fill('Rower D');
    await dialog.getByLabel('Type').selectOption('cardio');
    await dialog.getByLabel('Location').fill('Floor 2');
    await dialog.getByRole('button', { name: 'Add machine' }).click();
    const machineId = await dialog.locator('[data-credential="machine-id"]').textContent();
    const secret = await dialog.locator('[data-credential="secret"]').textContent();
    expect(machineId).toMatch(/^[0-9a-f-]{36}$/);
    await expect
      .poll(() =>
        dialog
          .getByRole('img', { name: /QR code/ })
          .locator('svg')
          .count(),
      )
      .toBe(1);
    await page.screenshot({ path: join(artifacts, 'machine-credentials.png') });
    // What the installer scans is what the machine needs: its id, its secret and the API.
    expect(await scanQrCode(dialog)).toEqual({ machineId, secret, api: platform.gatewayUrl });
    expect(await seriousViolations()).toEqual([]);
    await dialog.getByRole('button', { name: 'Copy credentials' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent()).toBe('Copied to the clipboard.');
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    expect(copied).toEqual({ machineId, secret, api: platform.gatewayUrl });
    // The credentials work: the installer's machine gets a token.
    expect((await api.post('/v1/machines/token', { machineId, secret })).status).toBe(200);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => status('Rower D').textContent()).toBe('Offline');
    // Shown once: once the dialog is gone, so is the secret (the API keeps only its hash).
    // (The closed <dialog> is hidden at once, removed when the page handles its close event.)
    await expect.poll(() => page.content()).not.toContain(secret!);

    await page.getByRole('button', { name: 'Rotate secret (Rower D)' }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate the secret of Rower D' });
    await rotate.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = await rotate.locator('[data-credential="secret"]').textContent();
    expect(rotated).not.toBe(secret);
    expect(await scanQrCode(rotate)).toEqual({ machineId, secret: rotated, api: platform.gatewayUrl });
    expect((await api.post('/v1/machines/token', { machineId, secret })).status).toBe(401);
    expect((await api.post('/v1/machines/token', { machineId, secret: rotated })).status).toBe(200);
    await rotate.getByRole('button', { name: 'Close' }).click();
  });

  it('rides out a dropped live socket: says it is reconnecting, then reloads what changed meanwhile', async () => {
    const gateway = platform.services.gateway![0]!;
    await gateway.stop();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Reconnecting…');
    // While this page is away, another desk (through the other gateway) takes Bike B out of service.
    const elsewhere = apiClient(platform.gatewayUrls[1]!);
    const patched = await elsewhere.patch(
      `/v1/machines/${machines[1]!.machineId}`,
      { status: 'maintenance' },
      gym.adminToken,
    );
    expect(patched.status).toBe(200);
    await gateway.restart();
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 20_000 }).toBe('Live');
    await expect.poll(() => status('Bike B').textContent()).toBe('Maintenance');
    await elsewhere.patch(`/v1/machines/${machines[1]!.machineId}`, { status: 'available' }, gym.adminToken);
    await expect.poll(() => status('Bike B').textContent()).toBe('Available');
  });

  it('shows trainers the board without the actions only branch admins may take', async () => {
    // Sign out ends the session, not only the tab's view of it.
    const refreshToken = await page.evaluate(() => sessionStorage.getItem('nxg-staff.refresh'));
    expect(refreshToken).toBeTruthy();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('You are signed out.');
    expect(await page.evaluate(() => sessionStorage.getItem('nxg-staff.refresh'))).toBeNull();
    expect((await api.post('/v1/auth/refresh', { refreshToken })).status).toBe(401);
    await signIn(trainer.email, trainer.password);
    await expect.poll(() => status('Treadmill A').textContent(), { timeout: 15_000 }).toBe('Available');
    expect(await page.getByRole('button', { name: 'Add machine' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Maintenance|Rotate secret/ }).count()).toBe(0);
  });

  it('lets a platform admin choose the branch whose board is shown', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(platformAdmin.email, platformAdmin.password);
    await expect.poll(() => status('Treadmill A').textContent(), { timeout: 15_000 }).toBe('Available');
    const branch = page.getByLabel('Branch');
    await branch.selectOption({ label: otherBranch.name });
    await expect.poll(() => page.getByText('This branch has no machines yet.').isVisible()).toBe(true);
    expect(await page.getByRole('row', { name: /Ada|Grace/ }).count()).toBe(0);
    await branch.selectOption(gym.branchId);
    await expect.poll(() => status('Treadmill A').textContent()).toBe('Available');
  });

  it('signs staff with MFA in with their code, and asks for a fresh proof before a machine action', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('You are signed out.');
    await signIn(mfaStaff.email, fixtureSecrets.memberPassword);
    // The password alone does not let them in: a wrong code is refused, the right one admits them.
    await page.getByLabel('Authenticator code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('That code is not right');
    expect(await page.getByRole('heading', { name: 'Machines' }).count()).toBe(0);
    await page.getByLabel('Authenticator code').fill(mfaStaff.code());
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => status('Rack C').textContent(), { timeout: 15_000 }).toBe('Available');

    // Ten minutes on, the session's proof is stale. A reload keeps the tab signed in (refresh
    // token), and the refreshed access token carries the old proof.
    const identityDb = platform.services.identity![0]!.app!.kit.db as {
      query: (sql: string, params: unknown[]) => Promise<unknown>;
    };
    await identityDb.query(
      `UPDATE sessions SET mfa_at = now() - interval '11 minutes' WHERE user_id = $1 AND mfa_at IS NOT NULL`,
      [mfaStaff.userId],
    );
    await page.reload();
    await expect.poll(() => status('Rack C').textContent(), { timeout: 15_000 }).toBe('Available');

    await page.getByRole('button', { name: 'Maintenance… (Rack C)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Maintenance: Rack C' });
    await dialog.getByLabel('Note').fill('Cable frayed');
    await dialog.getByRole('button', { name: 'Put into maintenance' }).click();
    const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' });
    await stepUp.getByLabel('Authenticator code').fill(mfaStaff.recoveryCodes[0]!);
    await stepUp.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => status('Rack C').textContent()).toBe('Maintenance');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    const log = await api.get(`/v1/machines/${machines[2]!.machineId}/maintenance`, gym.adminToken);
    expect(log.body.items[0]).toMatchObject({ notes: 'Cable frayed', byUserId: mfaStaff.userId });

    // The proof is fresh now: back into service without being asked again.
    await page.getByRole('button', { name: 'Back in service… (Rack C)' }).click();
    await page
      .getByRole('dialog', { name: 'Back in service: Rack C' })
      .getByRole('button', { name: 'Put back in service' })
      .click();
    await expect.poll(() => status('Rack C').textContent()).toBe('Available');
    expect(await page.getByRole('dialog', { name: 'Confirm it is you' }).count()).toBe(0);
  });

  it('passes an accessibility check with no serious violations', async () => {
    expect(await seriousViolations()).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'board.png'), fullPage: true });
  });

  it('turns the machines offline when the simulator hangs and their heartbeats stop', async () => {
    // Frozen, not closed: the sockets stay open, so only the silence (2 heartbeats of 2 s and a
    // margin) tells the hub. A kill -9 would close them and say it at once.
    sim.freeze();
    const frozenAt = Date.now();
    for (const name of ['Treadmill A', 'Bike B', 'Rack C']) {
      await expect.poll(() => status(name).textContent(), { timeout: 15_000 }).toBe('Offline');
    }
    const tookMs = Date.now() - frozenAt;
    console.info(`[staff-web] offline on the board ${tookMs} ms after the simulator froze`);
    expect(tookMs).toBeGreaterThan(3000);
    sim.kill();
    expect(await page.locator('[data-count="offline"]').textContent()).toBe('4');
    await page.screenshot({ path: join(artifacts, 'board-offline.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
  });

  it('spoke only to the public API: every request is an operation of its OpenAPI, the socket /v1/live', async () => {
    const spec = (await api.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(spec.paths).flatMap(([template, methods]) =>
      Object.keys(methods).map((method) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      })),
    );
    const origin = new URL(platform.gatewayUrl).origin;
    const off: string[] = [];
    for (const { method, url } of requests) {
      const { pathname } = new URL(url);
      if (url.startsWith('data:')) continue;
      if (new URL(url).origin !== origin) off.push(`${method} ${url}`);
      else if (pathname === '/staff' || pathname.startsWith('/staff/')) continue;
      else if (!operations.some((o) => o.method === method && o.pattern.test(pathname)))
        off.push(`${method} ${pathname}`);
    }
    expect(off).toEqual([]);
    expect(requests.length).toBeGreaterThan(20);
    const wsOrigin = origin.replace(/^http/, 'ws');
    expect(sockets.length).toBeGreaterThan(0);
    for (const socket of sockets)
      expect(socket).toMatch(
        new RegExp(`^${wsOrigin}/v1/live\\?branchId=(${gym.branchId}|${otherBranch.id})$`),
      );
  });
});
