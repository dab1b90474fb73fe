import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { envelope, fakeServer, installDomPolyfills, notificationSpy, renderApp, testStore, tokens } from '../../app/testUtils';
import { FakeWebSocket } from './fakeWebSocket';

beforeAll(installDomPolyfills);
beforeEach(() => {
  FakeWebSocket.all = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
  notificationSpy();
});
afterEach(() => vi.unstubAllGlobals());

const history = {
  from: '2026-01-01T11:00:00Z',
  to: '2026-01-01T12:00:00Z',
  interval: '1m',
  series: [{ name: 'query.avgDuration', dataPoints: [{ timestamp: '2026-01-01T11:00:00Z', value: null }, { timestamp: '2026-01-01T11:01:00Z', value: 12 }] }],
};

function serve() {
  let tickets = 0;
  return fakeServer((req) => {
    if (req.url === '/api/v1/auth/me') return envelope(200, { data: tokens().user });
    if (req.url === '/api/v1/auth/ws-ticket') return envelope(200, { data: { ticket: `tk${++tickets}`, expiresIn: 30 } });
    if (req.url.startsWith('/api/v1/metrics/query/history')) return envelope(200, { data: history });
    return envelope(404, { code: 3000 });
  });
}

const metric = (t: string, name: string, value: number, tags: Record<string, string> = {}) => ({ type: 'metric', timestamp: t, data: { name, value, tags } });

describe('DashboardPage', () => {
  it('shows the connection state and KPIs from the live feed', async () => {
    const { seen } = serve();
    const { store, teardown } = testStore(tokens());
    renderApp(store, '/monitoring');
    const badge = await screen.findByTestId('mon-connection', {}, { timeout: 15_000 });
    expect(badge.dataset.state).toBe('connecting');
    await vi.waitFor(() => expect(FakeWebSocket.on('/ws/metrics')).toBeDefined());
    const ws = FakeWebSocket.on('/ws/metrics')!;
    expect(ws.url).toContain('ticket=tk');
    // The global notifier has its own `/ws`, which selects no metric at all.
    expect(FakeWebSocket.on('/ws')?.url).toContain('names=-none-');

    act(() => ws.open());
    expect(screen.getByTestId('mon-connection').dataset.state).toBe('open');
    expect(screen.getByTestId('mon-connection')).toHaveTextContent('Live');
    expect(screen.getByTestId('mon-kpi-requests-value')).toHaveTextContent('no data yet');
    expect(within(screen.getByTestId('mon-chart-workflows')).getByTestId('mon-no-data')).toBeInTheDocument();

    act(() => {
      for (const [t, a, b] of [
        ['2026-01-01T12:00:00.000Z', 1000, 234],
        ['2026-01-01T12:00:02.000Z', 1004, 236],
      ] as const) {
        ws.receive(metric(t, 'api.request.count', a, { endpoint: '/a', method: 'GET', status: '200' }));
        ws.receive(metric(t, 'api.request.count', b, { endpoint: '/b', method: 'POST', status: '200' }));
        ws.receive(metric(t, 'api.request.rate', 3));
        ws.receive(metric(t, 'api.request.duration.p95', 42.5));
        ws.receive(metric(t, 'system.cpu.usage', 33, { host: 'h1' }));
      }
    });
    await vi.waitFor(() => expect(screen.getByTestId('mon-kpi-requests-value')).toHaveTextContent('1,240'));
    expect(screen.getByTestId('mon-kpi-requests-value').dataset.value).toBe('1240');
    expect(screen.getByTestId('mon-kpi-requests')).toHaveTextContent('3/s now');
    expect(screen.getByTestId('mon-kpi-latency-value')).toHaveTextContent('42.5 ms');
    expect(screen.getByTestId('mon-kpi-cpu-value')).toHaveTextContent('33 %');
    const rateChart = screen.getByTestId('mon-chart-requestRate');
    expect(rateChart.dataset.empty).toBe('false');
    expect(within(rateChart).getByRole('img', { name: 'Request rate' })).toBeInTheDocument();
    expect(screen.getByTestId('mon-chart-workflows').dataset.empty).toBe('true');

    // The history section asked for the default series over the last hour, one-minute buckets.
    const historyCall = seen.find((r) => r.url.startsWith('/api/v1/metrics/query/history'))!;
    const params = new URL(historyCall.url, 'http://x').searchParams;
    expect(params.get('interval')).toBe('1m');
    expect(params.get('names')).toBe('api.request.count,query.count,query.avgDuration,workflow.execution.count');
    expect(await within(screen.getByTestId('mon-history-chart')).findByRole('img', { name: 'Durations' })).toBeInTheDocument();

    act(() => ws.drop(1006));
    expect(screen.getByTestId('mon-connection').dataset.state).toBe('reconnecting');
    await userEvent.setup({ delay: null }).click(screen.getByTestId('mon-reconnect'));
    await vi.waitFor(() => expect(FakeWebSocket.all.filter((s) => s.path === '/ws/metrics')).toHaveLength(2));
    expect(screen.getByTestId('mon-connection').dataset.state).toBe('connecting');
    teardown();
  });

  it('changes the interval choices with the range', async () => {
    const { seen } = serve();
    const { store, teardown } = testStore(tokens());
    renderApp(store, '/monitoring');
    const range = await screen.findByTestId('mon-history-range', {}, { timeout: 15_000 });
    await userEvent.setup({ delay: null }).click(within(range).getByText('7 days'));
    await vi.waitFor(() =>
      expect(seen.some((r) => r.url.startsWith('/api/v1/metrics/query/history') && r.url.includes('interval=1h'))).toBe(true),
    );
    expect(screen.getByTestId('mon-history-interval')).toHaveTextContent('1 hour');
    teardown();
  });
});
