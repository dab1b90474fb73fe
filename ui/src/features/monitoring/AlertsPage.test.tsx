import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { envelope, fakeServer, installDomPolyfills, notificationSpy, renderApp, testStore, tokens } from '../../app/testUtils';
import type { Rule } from './alertRules';
import { FakeWebSocket } from './fakeWebSocket';

beforeAll(installDomPolyfills);
beforeEach(() => {
  FakeWebSocket.all = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
});
afterEach(() => vi.unstubAllGlobals());

const base: Rule = {
  id: 'alert_1',
  name: 'errors',
  metric: 'api.error.rate',
  comparison: '>',
  threshold: 5,
  windowMinutes: 5,
  severity: 'critical',
  enabled: true,
  state: 'ok',
  description: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

/** An in-memory alert API: rules, events, and a 400 for an unknown metric. */
function alertServer(rules: Rule[], permissions = ['*']) {
  let next = 2;
  const events: { id: string; ruleId: string; ruleName: string; state: string; threshold: number; value: number; message: string; createdAt: string }[] = [];
  const server = fakeServer((req) => {
    if (req.url === '/api/v1/auth/me') return envelope(200, { data: tokens({}, permissions).user });
    if (req.url === '/api/v1/auth/ws-ticket') return envelope(200, { data: { ticket: 'tk', expiresIn: 30 } });
    if (req.url.startsWith('/api/v1/alerts/events')) {
      const ruleId = new URL(req.url, 'http://x').searchParams.get('ruleId');
      const items = events.filter((e) => !ruleId || e.ruleId === ruleId);
      return envelope(200, { data: { items, page: 1, pageSize: 20, total: items.length, totalPages: 1 } });
    }
    if (req.url === '/api/v1/alerts' && req.method === 'GET') return envelope(200, { data: rules });
    const body = req.body ? (JSON.parse(req.body) as Partial<Rule>) : {};
    if ((req.method === 'POST' || req.method === 'PUT') && body.metric && !body.metric.includes('.')) {
      return envelope(400, {
        code: 1000,
        message: 'invalid rule',
        errors: [{ path: 'metric', code: 'unknown', message: `unknown metric "${body.metric}"; did you mean "api.error.rate"?` }],
      });
    }
    if (req.url === '/api/v1/alerts' && req.method === 'POST') {
      const rule = { ...base, ...body, id: `alert_${next++}`, state: 'ok' } as Rule;
      rules.push(rule);
      return envelope(201, { data: rule });
    }
    const id = req.url.split('/').at(-1)!;
    const at = rules.findIndex((r) => r.id === id);
    if (req.method === 'PUT' && at >= 0) {
      rules[at] = { ...rules[at]!, ...body, state: 'ok' } as Rule;
      return envelope(200, { data: rules[at] });
    }
    if (req.method === 'DELETE' && at >= 0) {
      rules.splice(at, 1);
      return envelope(200, { data: null });
    }
    return envelope(404, { code: 3000 });
  });
  return { ...server, rules, events };
}

async function open(path = '/monitoring/alerts', permissions = ['*']) {
  const { store, teardown } = testStore(tokens({}, permissions));
  const view = renderApp(store, path);
  await screen.findByTestId('alert-rules', {}, { timeout: 15_000 });
  return { store, teardown, ...view };
}

describe('AlertsPage', () => {
  it('creates a rule, showing a 400 on its field first', async () => {
    notificationSpy();
    const server = alertServer([]);
    const { teardown } = await open();
    const user = userEvent.setup({ delay: null });
    expect(await screen.findByText('No alert rule yet.')).toBeInTheDocument();
    await user.click(screen.getByTestId('alert-new'));
    const form = await screen.findByTestId('alert-rule-form');
    await user.type(within(form).getByTestId('alert-name'), 'slow queries');
    const metric = within(form).getByTestId('alert-metric');
    await user.clear(metric);
    await user.type(metric, 'latency');
    const threshold = within(form).getByTestId('alert-threshold');
    await user.clear(threshold);
    await user.type(threshold, '250');
    const windowInput = within(form).getByTestId('alert-window');
    await user.clear(windowInput);
    await user.type(windowInput, '10');
    await user.click(screen.getByTestId('alert-save'));
    expect(await within(form).findByText('unknown metric "latency"; did you mean "api.error.rate"?')).toBeInTheDocument();

    await user.clear(metric);
    await user.type(metric, 'query.avgDuration');
    await user.click(screen.getByTestId('alert-save'));
    await vi.waitFor(() => expect(server.rules).toHaveLength(1));
    const posted = server.seen.filter((r) => r.method === 'POST' && r.url === '/api/v1/alerts').at(-1)!;
    expect(JSON.parse(posted.body!)).toEqual({
      name: 'slow queries',
      metric: 'query.avgDuration',
      comparison: '>',
      threshold: 250,
      windowMinutes: 10,
      severity: 'warning',
      enabled: true,
      description: null,
    });
    const table = screen.getByTestId('alert-rules');
    expect(await within(table).findByText('slow queries')).toBeInTheDocument();
    expect(within(table).getByText('> 250 over 10 min')).toBeInTheDocument();
    const state = within(table).getByTestId('alert-state-alert_2');
    expect(state.dataset.state).toBe('ok');
    expect(state).toHaveTextContent('OK');
    teardown();
  });

  it('edits and deletes a rule', async () => {
    notificationSpy();
    const server = alertServer([{ ...base, state: 'firing', lastValue: 7.5 }]);
    const { teardown } = await open();
    const user = userEvent.setup({ delay: null });
    expect(await screen.findByTestId('alert-active-alert_1')).toHaveTextContent('errors is firing (Critical)');
    expect(screen.getByTestId('alert-state-alert_1').dataset.state).toBe('firing');

    await user.click(screen.getByTestId('alert-edit-alert_1'));
    const form = await screen.findByTestId('alert-rule-form');
    const name = within(form).getByTestId('alert-name');
    expect(name).toHaveValue('errors');
    await user.clear(name);
    await user.type(name, 'server errors');
    await user.click(screen.getByTestId('alert-save'));
    await vi.waitFor(() => expect(server.rules[0]!.name).toBe('server errors'));
    const put = server.seen.find((r) => r.method === 'PUT')!;
    expect(put.url).toBe('/api/v1/alerts/alert_1');
    expect(JSON.parse(put.body!)).toMatchObject({ name: 'server errors', metric: 'api.error.rate', threshold: 5, severity: 'critical' });
    // Editing starts the rule again from ok: the banner goes.
    await vi.waitFor(() => expect(screen.queryByTestId('alert-active-alert_1')).not.toBeInTheDocument());

    await user.click(screen.getByTestId('alert-delete-alert_1'));
    await user.click(await screen.findByTestId('alert-delete-confirm'));
    await vi.waitFor(() => expect(server.rules).toHaveLength(0));
    expect(server.seen.some((r) => r.method === 'DELETE' && r.url === '/api/v1/alerts/alert_1')).toBe(true);
    expect(await screen.findByText('No alert rule yet.')).toBeInTheDocument();
    teardown();
  });

  it('without alerts:write shows the rules read-only', async () => {
    alertServer([base], ['metrics:read']);
    const { teardown } = await open('/monitoring/alerts', ['metrics:read']);
    expect(await screen.findByTestId('alert-state-alert_1')).toBeInTheDocument();
    expect(screen.queryByTestId('alert-new')).not.toBeInTheDocument();
    expect(screen.queryByTestId('alert-edit-alert_1')).not.toBeInTheDocument();
    expect(screen.getByRole('switch', { name: 'Enable rule errors' })).toBeDisabled();
    teardown();
  });

  it('follows alert messages live and notifies once per alert', async () => {
    const server = alertServer([{ ...base }]);
    const { teardown } = await open();
    // After the render: the app's own bridge hands notify() antd's instance when it mounts.
    const calls = notificationSpy();
    expect((await screen.findByTestId('alert-state-alert_1')).dataset.state).toBe('ok');
    await vi.waitFor(() => expect(FakeWebSocket.on('/ws')).toBeDefined());
    const ws = FakeWebSocket.on('/ws')!;
    act(() => ws.open());

    // The server records the change, then publishes it.
    server.rules[0] = { ...server.rules[0]!, state: 'firing', lastValue: 7.5 };
    server.events.push({ id: 'alev_1', ruleId: 'alert_1', ruleName: 'errors', state: 'firing', threshold: 5, value: 7.5, message: 'errors: api.error.rate is 7.5 (> 5 over 5 min)', createdAt: '2026-01-01T00:05:00Z' });
    const message = {
      type: 'alert',
      timestamp: '2026-01-01T00:05:00.000Z',
      data: { id: 'alev_1', ruleId: 'alert_1', name: 'errors', metric: 'api.error.rate', comparison: '>', threshold: 5, windowMinutes: 5, value: 7.5, severity: 'critical', state: 'firing', message: 'errors: api.error.rate is 7.5 (> 5 over 5 min)' },
    };
    act(() => {
      ws.receive(message);
      ws.receive(message);
    });
    await vi.waitFor(() => expect(screen.getByTestId('alert-state-alert_1').dataset.state).toBe('firing'));
    expect(await screen.findByTestId('alert-active-alert_1')).toBeInTheDocument();
    expect(await within(screen.getByTestId('alert-events')).findByText('errors: api.error.rate is 7.5 (> 5 over 5 min)')).toBeInTheDocument();
    const alerts = calls.filter((c) => String(c.message).startsWith('Alert firing'));
    expect(alerts).toEqual([{ level: 'error', message: 'Alert firing: errors (Critical)', description: expect.stringContaining('/monitoring/alerts') }]);

    act(() => ws.receive({ type: 'notification', timestamp: '2026-01-01T00:06:00Z', data: { level: 'success', title: 'Workflow finished', message: 'nightly ran in 2 s', link: '/workflows/wf_1/executions' } }));
    expect(calls.at(-1)).toEqual({ level: 'success', message: 'Workflow finished', description: 'nightly ran in 2 s\nOpen: /workflows/wf_1/executions' });
    // Metric messages on `/ws` are ignored (and not asked for).
    act(() => ws.receive({ type: 'metric', timestamp: '2026-01-01T00:06:00Z', data: { name: 'x', value: 1 } }));
    expect(calls.at(-1)!.message).toBe('Workflow finished');
    teardown();
  });
});
