// The studio's journeys in a real Chromium against the real server (issue 8): sign in; create a
// datasource and test it; browse its schema; build and run a join query, see its SQL and an
// index warning, export it; save and reload a template; a data page with an RSQL filter and a
// record created, edited and deleted; sign out, and a gateway 11500001 sends the user to login.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { extraSqlite, shot, signIn } from './support';

test.describe.configure({ mode: 'serial' });

/** Opens an antd Select and picks the option whose text matches. */
async function choose(page: Page, select: Locator, option: string | RegExp): Promise<void> {
  await select.click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
}

test('sign in, and come back to the page asked for', async ({ page }) => {
  await page.goto('/templates');
  await expect(page).toHaveURL(/\/login\?redirect=%2Ftemplates/);
  await expect(page.getByText('Quarry').first()).toBeVisible();
  await shot(page, '01-login');
  await signIn(page, '/templates');
  await expect(page).toHaveURL(/\/templates$/);
  await shot(page, '02-templates-empty');
});

test('create a datasource, test it, browse its schema', async ({ page }) => {
  await signIn(page, '/datasources');
  await expect(page.getByTestId('datasource-list')).toContainText('demo');
  await shot(page, '03-datasources');
  await page.getByTestId('datasource-new').click();
  await page.getByTestId('datasource-field-name').fill('E2E shop');
  await page.getByTestId('datasource-field-code').fill('e2e_shop');
  await choose(page, page.getByTestId('datasource-field-type'), 'SQLite');
  await page.getByTestId('datasource-field-database').fill(extraSqlite);
  await page.getByTestId('datasource-test').click();
  const result = page.getByTestId('datasource-test-result');
  await expect(result).toContainText(/SQLite|3\.\d+/);
  await shot(page, '04-datasource-test');
  await page.getByTestId('datasource-save').click();
  await expect(page).toHaveURL(/\/datasources$/);
  await expect(page.getByTestId('datasource-list')).toContainText('E2E shop');

  await page.goto('/datasources');
  const row = page.getByRole('row').filter({ hasText: 'E2E shop' });
  await row.getByRole('button', { name: /schema|结构/i }).click();
  await expect(page.getByTestId('schema-table-list')).toContainText('Order');
  await page.getByTestId('schema-table-list').getByText('User', { exact: true }).first().click();
  await expect(page.getByTestId('schema-columns')).toContainText('username');
  await shot(page, '05-schema');
});

test('build a join query: SQL, index advice, results, CSV export, template saved and reloaded', async ({ page }) => {
  await signIn(page, '/query');
  await expect(page.getByTestId('schema-panel')).toContainText('User');
  await page.getByTestId('schema-table-User').click();
  await page.getByTestId('column-User.username').click();
  await page.getByTestId('column-User.email').click();
  await page.getByTestId('schema-table-Profile').click();
  await page.getByTestId('column-Profile.city').click();
  // A filter on a column without an index: the validator advises one.
  const root = page.getByTestId('filter-group').first();
  await root.getByTestId('add-filter').click();
  const condition = page.getByTestId('condition').first();
  await choose(page, condition.getByTestId('condition-field'), /email/);
  await choose(page, condition.getByTestId('operator-select'), /\$ends/);
  await condition.getByTestId('value-input').fill('@example.com');

  const sql = page.getByTestId('sql-view');
  await expect(sql).toContainText('JOIN');
  await expect(sql).toContainText('"Profile"');
  await expect(page.getByTestId('warnings-list')).toContainText(/index|索引/i);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('result-count')).toContainText(/\d/);
  await expect(page.getByTestId('result-grid')).toContainText('@example.com');
  await shot(page, '06-query-builder');

  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.csv$/);
  const path = await file.path();
  const text = await (await import('node:fs/promises')).readFile(path, 'utf8');
  expect(text.split('\n')[0]).toContain('username');

  await page.getByTestId('save-template').click();
  await page.getByTestId('template-name').fill('Users with profiles');
  await page.getByTestId('template-category').fill('e2e');
  await page.getByTestId('template-save-submit').click();
  await expect(page.getByTestId('template-form')).toBeHidden();

  await page.goto('/templates');
  const templates = page.getByTestId('templates-table');
  await expect(templates).toContainText('Users with profiles');
  await shot(page, '07-templates');
  await templates.getByTestId('template-open').first().click();
  await expect(page).toHaveURL(/\/query\?template=/);
  await expect(page.getByTestId('sql-view')).toContainText('"Profile"');
  await expect(page.getByTestId('selected-column-u.email')).toBeVisible();
});

test('50,000 rows in the virtualised grid: the last one is reached by scrolling', async ({ page }) => {
  await signIn(page, '/query');
  await page.getByTestId('schema-table-Order').click();
  await page.getByTestId('column-Order.id').click();
  await page.getByTestId('column-Order.orderNo').click();
  await page.getByTestId('column-Order.amount').click();
  await page.getByRole('tab', { name: /sort|排序/i }).click();
  await page.getByTestId('limit').fill('50000');
  await expect(page.getByTestId('sql-view')).toContainText('50000');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('result-count')).toContainText(/50,000/);
  const grid = page.getByTestId('result-grid');
  // Only the rows in view are in the DOM; scrolling to the end brings the last one in.
  expect(await grid.locator('.ant-table-row').count()).toBeLessThan(200);
  await grid.locator('.ant-table-tbody-virtual-holder').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(grid).toContainText('50000');
  await shot(page, '06b-fifty-thousand-rows');
});

test('a data page: RSQL filter, create, edit and delete a record', async ({ page }) => {
  await signIn(page, '/data/demo/department');
  const table = page.getByTestId('record-table');
  await expect(table).toContainText('Engineering');
  await page.getByTestId('filter-mode').getByText(/RSQL/).click();
  await page.getByTestId('filter-raw').fill('name=like="Eng"');
  await page.getByTestId('filter-apply').click();
  await expect(table).toContainText('Engineering');
  await expect(table).not.toContainText('Marketing');
  await shot(page, '08-data-page');

  await page.getByTestId('record-new').click();
  const form = page.getByTestId('record-form');
  await form.getByLabel(/^name/i).fill('Quality');
  await form.getByLabel(/^budget/i).fill('12345.67');
  await form.getByLabel(/^createdAt/i).fill('2024-01-02T03:04:05');
  await page.getByTestId('record-save').click();
  await expect(form).toBeHidden();
  await page.getByTestId('filter-raw').fill('name=="Quality"');
  await page.getByTestId('filter-apply').click();
  await expect(table).toContainText('12345.67');

  await table.getByTestId('record-edit').first().click();
  await form.getByLabel(/^budget/i).fill('222.50');
  await page.getByTestId('record-save').click();
  await expect(table).toContainText('222.5');

  await table.getByTestId('record-delete').first().click();
  await page.getByRole('button', { name: /^(delete|ok|删除|确定)$/i }).last().click();
  await expect(table).not.toContainText('Quality');
});

test('sign out; a gateway 11500001 sends the user to login and back', async ({ page }) => {
  await signIn(page, '/data/demo/department');
  await expect(page.getByTestId('record-table')).toContainText('Engineering');
  await page.getByTestId('user-menu').click();
  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login/);
  // The session is gone on the server too: the gateway answers 11500001 and the page goes to login.
  await page.goto('/data/demo/department');
  await expect(page).toHaveURL(/\/login\?redirect=/);
  await shot(page, '09-signed-out');
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill(process.env.QUARRY_E2E_PASSWORD ?? '');
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/data\/demo\/department/);
});
