import { screen } from '@testing-library/react';
import { act, lazy } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppRoute } from '../../app/routes';
import { envelope, fakeServer, installDomPolyfills, notificationSpy, renderApp, testStore, tokens } from '../../app/testUtils';
import { FakeWebSocket } from './fakeWebSocket';

beforeAll(installDomPolyfills);
beforeEach(() => {
  FakeWebSocket.all = [];
});
afterEach(() => vi.unstubAllGlobals());

const pages: AppRoute[] = [{ path: '/elsewhere', element: lazy(async () => ({ default: () => <div>another page</div> })) }];

function serve() {
  return fakeServer((req) => {
    if (req.url === '/api/v1/auth/me') return envelope(200, { data: tokens().user });
    if (req.url === '/api/v1/auth/ws-ticket') return envelope(200, { data: { ticket: 'tk', expiresIn: 30 } });
    return envelope(404, { code: 3000 });
  });
}

describe('RealtimeNotifier', () => {
  it('shows alerts from /ws on any page, firing and resolved', async () => {
    vi.stubGlobal('WebSocket', FakeWebSocket);
    serve();
    const { store, teardown } = testStore(tokens());
    renderApp(store, '/elsewhere', pages);
    await screen.findByText('another page');
    const calls = notificationSpy();
    await vi.waitFor(() => expect(FakeWebSocket.on('/ws')).toBeDefined());
    const ws = FakeWebSocket.on('/ws')!;
    expect(new URL(ws.url).searchParams.get('names')).toBe('-none-');
    act(() => ws.open());
    const data = { id: 'alev_9', ruleId: 'alert_9', name: 'cpu', metric: 'system.cpu.usage', comparison: '>', threshold: 90, windowMinutes: 1, value: 95, severity: 'warning', state: 'firing', message: 'cpu: system.cpu.usage is 95 (> 90 over 1 min)' };
    act(() => ws.receive({ type: 'alert', timestamp: '2026-01-01T00:00:00Z', data }));
    act(() => ws.receive({ type: 'alert', timestamp: '2026-01-01T00:01:00Z', data: { ...data, id: 'alev_10', state: 'resolved', value: 20, message: 'cpu: back to 20' } }));
    expect(calls).toEqual([
      { level: 'warning', message: 'Alert firing: cpu (Warning)', description: 'cpu: system.cpu.usage is 95 (> 90 over 1 min)\nDetails: Monitoring → Alerts (/monitoring/alerts)' },
      { level: 'success', message: 'Alert resolved: cpu', description: 'cpu: back to 20\nDetails: Monitoring → Alerts (/monitoring/alerts)' },
    ]);
    // No second metrics socket: only `/ws` is open.
    expect(FakeWebSocket.all.map((s) => s.path)).toEqual(['/ws']);
    teardown();
  });

  it('does nothing without WebSocket support', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const { seen } = serve();
    const { store, teardown } = testStore(tokens());
    renderApp(store, '/elsewhere', pages);
    await screen.findByText('another page');
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.some((r) => r.url === '/api/v1/auth/ws-ticket')).toBe(false);
    teardown();
  });
});
