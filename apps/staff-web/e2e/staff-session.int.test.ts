import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  adminEnv,
  apiClient,
  fixtureSecrets,
  openGym,
  platformAdmin,
  registerMember,
  startPlatform,
  type ApiClient,
  type TestPlatform,
} from '@nxg/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../scripts/site-build.ts';
import { launchChromium } from './browser.ts';
import { signInAs } from './staff-page.ts';

/**
 * The page's session outliving its access tokens: identity issues tokens that live 6 s, so a page
 * that did not refresh in the background would be refused (or fall back on 401s) within seconds.
 */
const TOKEN_TTL_S = 6;

const chromiumThere = existsSync('/usr/bin/chromium');

let work: string;
let platform: TestPlatform;
let api: ApiClient;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let branchId: string;
let machineId: string;
let staff: { email: string; password: string };

/** A fresh admin token: the platform's tokens die in seconds. */
async function adminToken(): Promise<string> {
  const login = await api.post('/v1/auth/login', {
    login: platformAdmin.email,
    password: platformAdmin.password,
  });
  expect(login.status).toBe(200);
  return login.body.accessToken;
}

beforeAll(async () => {
  if (!chromiumThere) return;
  work = mkdtempSync(join(tmpdir(), 'nxg-staff-session-'));
  const site = join(work, 'site');
  const [started] = await Promise.all([
    startPlatform({
      replicas: { 'machine-hub': 1, workout: 1, analytics: 1 },
      env: {
        identity: { ...adminEnv, ACCESS_TOKEN_TTL_S: String(TOKEN_TTL_S) },
        gateway: { STAFF_WEB_DIR: site },
      },
    }),
    buildSite(site),
  ]);
  platform = started;
  api = apiClient(platform.gatewayUrl);
  branchId = (await openGym(platform, 'Short tokens')).branchId;
  const account = await registerMember(api, { name: 'Sam Session' });
  const token = await adminToken();
  expect(
    (await api.put(`/v1/branches/${branchId}/staff/${account.user.id}`, { role: 'branch_admin' }, token))
      .status,
  ).toBe(200);
  const created = await api.post(
    `/v1/branches/${branchId}/machines`,
    { name: 'Treadmill S', type: 'cardio', location: 'Floor 1' },
    token,
  );
  expect(created.status).toBe(201);
  machineId = created.body.machine.id;
  staff = { email: account.email, password: fixtureSecrets.memberPassword };
  browser = await launchChromium(platform.gatewayUrl);
  page = await browser.context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!chromiumThere)('the staff dashboard’s session', () => {
  it('refreshes its access token in the background, before it expires, and stays live past its life', async () => {
    const refreshes: { at: number; status: number }[] = [];
    const refused: string[] = [];
    const bearers: string[] = [];
    page.on('response', (response) => {
      const { pathname } = new URL(response.url());
      if (pathname === '/v1/auth/refresh') refreshes.push({ at: Date.now(), status: response.status() });
      else if (response.status() === 401) refused.push(`${response.request().method()} ${pathname}`);
      const bearer = response.request().headers().authorization;
      if (bearer) bearers.push(bearer.slice('Bearer '.length));
    });
    await signInAs(page, staff.email, staff.password);
    const signedInAt = Date.now();
    const status = page.getByRole('article', { name: 'Treadmill S' }).locator('.status-badge');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('Offline');
    const firstToken = bearers[0]!;

    // Two background refreshes: the page is now past its first token's life.
    await expect.poll(() => refreshes.length, { timeout: 3 * TOKEN_TTL_S * 1000 }).toBeGreaterThanOrEqual(2);
    expect(refreshes.every((r) => r.status === 200)).toBe(true);
    // Each came before the token it replaced expired, unprompted: no request was refused first.
    expect(refreshes[0]!.at - signedInAt).toBeLessThan(TOKEN_TTL_S * 1000);
    expect(refused).toEqual([]);
    expect((await api.get('/v1/me', firstToken)).status).toBe(401);

    // Still live: a change made elsewhere reaches the board, and the page's own calls succeed.
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Live');
    expect(
      (await api.patch(`/v1/machines/${machineId}`, { status: 'maintenance' }, await adminToken())).status,
    ).toBe(200);
    await expect.poll(() => status.textContent()).toBe('Maintenance');
    await page.getByRole('button', { name: 'Back in service… (Treadmill S)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Back in service: Treadmill S' });
    await dialog.getByRole('button', { name: 'Put back in service' }).click();
    await expect.poll(() => status.textContent()).toBe('Offline');
    expect(refused).toEqual([]);
    // With a token of the background refresh: the first one is long dead.
    expect(bearers.at(-1)).not.toBe(firstToken);
  });
});
