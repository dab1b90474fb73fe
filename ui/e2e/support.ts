// Shared by the journeys: the server the Rust test started, the admin's password, screenshots.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';

export const password = process.env.QUARRY_E2E_PASSWORD ?? '';
export const extraSqlite = process.env.QUARRY_E2E_SQLITE ?? '';
const out = process.env.QUARRY_E2E_OUT ?? '../target/e2e';

/** A full-page screenshot of the current screen, kept in target/e2e/ for review. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
}

/** Signs in as admin through the login page and waits for the shell. */
export async function signIn(page: Page, redirect = '/'): Promise<void> {
  await page.goto(`/login?redirect=${encodeURIComponent(redirect)}`);
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('shell-brand')).toBeVisible();
}
