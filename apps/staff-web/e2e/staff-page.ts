import type { Page } from 'playwright-core';

/** Opens /staff and submits the sign-in form (the MFA step, when asked, is the caller's). */
export async function signInAs(page: Page, login: string, password: string): Promise<void> {
  await page.goto('/staff');
  await page.getByLabel('Email or username').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
