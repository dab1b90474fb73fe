// The remaining screens, each seen once and kept as a screenshot: users and roles, query history,
// the data-page index, and the studio in Chinese with the dark theme (the choice survives a reload).
import { expect, test } from '@playwright/test';
import { shot, signIn } from './support';

test('admin screens, history, and the studio in Chinese with the dark theme', async ({ page }) => {
  await signIn(page, '/admin/users');
  await expect(page.getByRole('main')).toContainText('admin');
  await shot(page, '10-users');
  await page.goto('/admin/roles');
  await expect(page.getByRole('main')).toContainText(/admin/i);
  await shot(page, '11-roles');
  await page.goto('/history');
  await expect(page.getByTestId('history-table')).toContainText(/SELECT/);
  await shot(page, '12-history');
  await page.goto('/data');
  await expect(page.getByTestId('data-model-list')).toContainText(/user/i);
  await shot(page, '13-data-home');

  await page.locator('.ant-segmented-item').filter({ hasText: '中文' }).first().click();
  await page.getByRole('button', { name: /dark|深色|暗/i }).click();
  await expect(page.getByText('数据页面').or(page.getByText('数据源')).first()).toBeVisible();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', /zh/);
  await page.goto('/query');
  await expect(page.getByTestId('schema-panel')).toContainText('User');
  await shot(page, '14-query-builder-zh-dark');
  await page.goto('/datasources');
  await shot(page, '15-datasources-zh-dark');
});
