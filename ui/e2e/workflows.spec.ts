// Issue 9's journeys: the seed's order workflow drawn on the canvas (query → condition → api to a
// payment server run by this test), saved, published and run both ways through its condition while
// the canvas colours its nodes; a failed run retried from its node; the live dashboard moving after
// some requests; an alert rule created and seen firing.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { shot, signIn } from './support';

test.describe.configure({ mode: 'serial' });

/** A payment API on loopback (Quarry is started with QUARRY_HTTP_ALLOWLIST=127.0.0.1). */
interface Payment {
  path: string;
  body: unknown;
  idempotencyKey: string | undefined;
}
const payments: Payment[] = [];
let failNext = 0;
let server: Server;
let base = '';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text));
  });
}

test.beforeAll(async () => {
  server = createServer(async (req, res) => {
    const text = await readBody(req);
    if (failNext > 0) {
      failNext -= 1;
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"success":false}');
      return;
    }
    payments.push({ path: req.url ?? '', body: text ? JSON.parse(text) : null, idempotencyKey: req.headers['idempotency-key'] as string | undefined });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** Types into an antd input found by its test id, replacing what was there. */
async function fill(page: Page, testId: string, value: string): Promise<void> {
  const input = page.getByTestId(testId);
  await input.click();
  await input.fill(value);
}

/** Picks `option` in the antd Select carrying `testId`. */
async function choose(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
}

/** Picks the option matching `option` in an antd Select found by locator. */
async function chooseIn(page: Page, select: Locator, option: string | RegExp): Promise<void> {
  await select.click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
}

/** Adds a node of `type` from the palette and returns its id (the node the panel now shows). */
async function addNode(page: Page, type: string, name: string): Promise<string> {
  const nodes = page.locator('.react-flow__node [data-testid^="wf-node-"][data-status]');
  const before = await nodes.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  await page.getByTestId(`palette-${type}`).click();
  await expect(nodes).toHaveCount(before.length + 1);
  const after = await nodes.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  const testId = after.find((id) => !before.includes(id))!;
  const id = testId.slice('wf-node-'.length);
  await page.getByTestId(testId).click();
  await expect(page.getByTestId('wf-panel')).toContainText(id);
  await fill(page, 'wf-node-name', name);
  return id;
}

async function connect(page: Page, from: string, to: string, condition?: string): Promise<void> {
  await page.getByTestId(`wf-node-${from}`).click();
  await expect(page.getByTestId('wf-panel')).toContainText(from);
  await page.getByTestId('wf-connect-target').selectOption(to);
  if (condition) await page.getByTestId('wf-connect-condition').selectOption(condition);
  await page.getByTestId('wf-connect-add').click();
}

let workflowUrl = '';
const ids: { query: string; condition: string; api: string } = { query: '', condition: '', api: '' };

async function run(page: Page, orderNo: string): Promise<void> {
  await page.getByTestId('wf-run').click();
  await fill(page, 'wf-input-orderNo', orderNo);
  await page.getByTestId('wf-run-submit').click();
  await expect(page.getByTestId('wf-execution')).toBeVisible();
}

test('draw the seed order workflow, save, publish, and run it both ways through the condition', async ({ page }) => {
  // The longest journey: it draws, saves, publishes and runs four times (slow beside other tests).
  test.setTimeout(240_000);
  await signIn(page, '/workflows');
  await page.getByTestId('workflow-new').click();
  await fill(page, 'wf-name', 'Order processing');

  await page.getByTestId('wf-variable-add').click();
  await fill(page, 'wf-variable-name-0', 'orderNo');

  ids.query = await addNode(page, 'query', 'Read the order');
  await choose(page, 'wf-datasource', 'demo (demo)');
  // The node's query is built by clicking, in the query builder, with a `${variable}` as a value.
  await page.getByTestId('wf-query-builder-open').click();
  const builder = page.getByTestId('wf-query-builder');
  await builder.getByTestId('schema-table-Order').click();
  for (const column of ['orderNo', 'stock', 'amount']) await builder.getByTestId(`column-Order.${column}`).click();
  await builder.getByTestId('add-filter').first().click();
  const condition = builder.getByTestId('condition').first();
  await chooseIn(page, condition.getByTestId('condition-field'), /orderNo/);
  await chooseIn(page, condition.getByTestId('operator-select'), /\(\$eq\)/);
  await condition.getByTestId('value-input').fill('${orderNo}');
  // A sample value lets the builder validate and preview the SQL; the node keeps the variable.
  await builder.getByTestId('variable-orderNo').fill('ORD00000001');
  await expect(builder.getByTestId('sql-view')).toContainText('"Order"');
  await shot(page, '29-workflow-query-builder');
  await page.getByTestId('wf-query-builder-use').click();
  await expect(builder).toBeHidden();
  await expect(page.getByTestId('wf-query-json')).toHaveValue(/"Order"[\s\S]*\$\{orderNo\}/);
  await fill(page, 'wf-output', 'order');
  await page.getByTestId('wf-single').click();

  ids.condition = await addNode(page, 'condition', 'In stock?');
  await fill(page, 'wf-expression', '${order.stock} > 0');

  ids.api = await addNode(page, 'api', 'Pay');
  await page.getByTestId('wf-method').selectOption('POST');
  await fill(page, 'wf-url', `${base}/pay`);
  // Hostile input stays a value: the body carries it as JSON, the query binds it.
  await fill(page, 'wf-body', '{"orderNo": "${orderNo}", "amount": "${order.amount}"}');

  await connect(page, ids.query, ids.condition);
  await connect(page, ids.condition, ids.api, 'true');
  await page.getByTestId('wf-layout').click();
  await shot(page, '30-workflow-designer');

  await page.getByTestId('wf-save').click();
  await expect(page).toHaveURL(/\/workflows\/wf_[^/?]+$/);
  workflowUrl = new URL(page.url()).pathname;
  // The signing secret is shown once, at creation.
  const secret = page.getByTestId('wf-secret');
  await expect(secret).toBeVisible();
  await shot(page, '30b-workflow-secret-once');
  await page.locator('.ant-modal-footer .ant-btn-primary').click();
  await expect(secret).toBeHidden();
  await page.getByTestId('wf-publish').click();
  await expect(page.getByTestId('wf-unpublish')).toBeVisible();

  // In stock: the payment is made, with the execution's idempotency key.
  await run(page, 'ORD00000001');
  await expect(page.getByTestId(`wf-node-${ids.api}`)).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('execution-status')).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId(`wf-node-${ids.condition}`)).toHaveAttribute('data-status', 'succeeded');
  expect(payments).toHaveLength(1);
  expect(payments[0]?.body).toEqual({ orderNo: 'ORD00000001', amount: expect.anything() });
  expect(payments[0]?.idempotencyKey).toMatch(new RegExp(`:${ids.api}$`));
  await shot(page, '31-workflow-run-in-stock');

  // The run's notification links to the execution in the workflow's history.
  await page.getByTestId('notification-link').first().click();
  await expect(page).toHaveURL(/\/workflows\/wf_[^/]+\/executions\?open=exec_/);
  await expect(page.getByTestId('execution-drawer').getByTestId('execution-status')).toHaveAttribute('data-status', 'completed');
  await page.goto(workflowUrl);

  // Out of stock: the condition is false, the payment node is skipped.
  await run(page, 'ORD00000070');
  await expect(page.getByTestId('execution-status')).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId(`wf-node-${ids.api}`)).toHaveAttribute('data-status', 'skipped');
  expect(payments).toHaveLength(1);

  // Hostile input is a value that matches nothing: the query finds no order and the run says so.
  await page.keyboard.press('Escape');
  await run(page, "x' OR '1'='1");
  await expect(page.getByTestId('execution-status')).toHaveAttribute('data-status', /completed|failed/);
  expect(payments).toHaveLength(1);
  await shot(page, '32-workflow-run-out-of-stock');
});

test('a failed run is retried from its failed node', async ({ page }) => {
  await signIn(page, workflowUrl);
  failNext = 1;
  await run(page, 'ORD00000002');
  await expect(page.getByTestId('execution-status')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId(`wf-node-${ids.api}`)).toHaveAttribute('data-status', 'failed');
  await shot(page, '33-workflow-failed');
  await page.getByTestId('execution-retry').click();
  await expect(page.getByTestId('execution-status')).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId(`wf-node-${ids.api}`)).toHaveAttribute('data-status', 'succeeded');
  expect(payments.filter((p) => (p.body as { orderNo?: string }).orderNo === 'ORD00000002')).toHaveLength(1);
  await shot(page, '34-workflow-retried');

  // The history lists the runs, filterable by status.
  await page.goto(`${workflowUrl}/executions`);
  await expect(page.locator('[data-testid^="execution-row-"]').first()).toBeVisible();
  await expect(page.locator('.ant-spin-blur')).toHaveCount(0);
  await shot(page, '35-workflow-executions');
});

test('the live dashboard moves after some requests', async ({ page }) => {
  await signIn(page, '/monitoring');
  await expect(page.getByTestId('mon-connection')).toHaveAttribute('data-state', 'open');
  const value = page.getByTestId('mon-kpi-requests-value');
  await expect(value).not.toHaveText('');
  const before = await value.textContent();
  for (let i = 0; i < 20; i += 1) await page.request.get('/api/v1/health');
  await expect(value).not.toHaveText(before ?? '', { timeout: 20_000 });
  await shot(page, '36-monitoring-dashboard');
});

test('an alert rule is created and fires', async ({ page }) => {
  await signIn(page, '/monitoring/alerts');
  await page.getByTestId('alert-new').click();
  await fill(page, 'alert-name', 'Busy API');
  // The metric field suggests the known names as the user types, and accepts the typed name.
  await fill(page, 'alert-metric', 'api.request.cou');
  await expect(page.locator('.ant-select-dropdown:visible')).toContainText('api.request.count');
  await fill(page, 'alert-metric', 'api.request.count');
  await fill(page, 'alert-threshold', '0');
  await fill(page, 'alert-window', '1');
  await page.getByTestId('alert-save').click();
  await expect(page.locator('[data-testid^="alert-state-"]').first()).toHaveAttribute('data-state', 'firing', { timeout: 30_000 });
  // The `alert` message is shown as a notification wherever the user is.
  await expect(page.locator('.ant-notification-notice').filter({ hasText: 'Busy API' }).first()).toBeVisible();
  await shot(page, '37-alert-firing');

  // The new screens in Chinese with the dark theme.
  await page.locator('.ant-segmented-item').filter({ hasText: '中文' }).first().click();
  await page.getByRole('button', { name: /dark|深色|暗/i }).click();
  await page.goto(workflowUrl);
  await expect(page.getByTestId('wf-status')).toHaveText('已发布');
  await shot(page, '38-workflow-designer-zh-dark');
  await page.goto('/monitoring');
  await expect(page.getByTestId('mon-connection')).toHaveAttribute('data-state', 'open');
  await shot(page, '39-monitoring-zh-dark');
});
