import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { lazy } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppRoute } from '../../../app/routes';
import { envelope, fakeServer, installDomPolyfills, notificationSpy, renderApp, testStore, tokens } from '../../../app/testUtils';


const pages: AppRoute[] = [
  { path: '/workflows', element: lazy(() => import('../WorkflowsPage')), permission: 'workflow:read', navKey: 'workflows' },
  { path: '/workflows/:id', element: lazy(async () => ({ default: () => <div data-testid="designer-page" /> })), permission: 'workflow:read', navKey: 'workflows' },
];

const item = {
  id: 'wf_1',
  name: 'Order processing',
  description: 'Process a new order',
  category: 'Orders',
  status: 'published',
  version: 3,
  latestVersion: 3,
  maxConcurrency: 16,
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-02T00:00:00Z',
  definition: {},
  webhooks: [],
};

beforeAll(installDomPolyfills);
beforeEach(() => notificationSpy());
afterEach(() => vi.unstubAllGlobals());

describe('WorkflowsPage', () => {
  it('lists, searches, deletes after confirmation and opens a workflow', async () => {
    let deleted = false;
    const { seen } = fakeServer((req) => {
      if (req.url === '/api/v1/auth/me') return envelope(200, { data: tokens().user });
      if (req.method === 'GET' && req.url.startsWith('/api/v1/workflows?'))
        return envelope(200, { data: { items: deleted ? [] : [item], total: deleted ? 0 : 1, page: 1, pageSize: 20, totalPages: 1 } });
      if (req.method === 'DELETE' && req.url === '/api/v1/workflows/wf_1') {
        deleted = true;
        return envelope(200, { data: null, message: 'deleted' });
      }
      return envelope(404, { code: 3000 });
    });
    const { store, teardown } = testStore(tokens());
    renderApp(store, '/workflows', pages);
    const user = userEvent.setup({ delay: null, pointerEventsCheck: 0 });
    const table = await screen.findByTestId('workflow-table');
    expect(await within(table).findByText('Order processing')).toBeInTheDocument();
    expect(within(table).getByText('Published')).toBeInTheDocument();
    expect(within(table).getByText('v3')).toBeInTheDocument();
    expect(screen.getByTestId('workflow-new')).toBeInTheDocument();

    await user.type(screen.getByTestId('workflow-search'), 'order{Enter}');
    await waitFor(() => expect(seen.some((r) => r.url.includes('keyword=order'))).toBe(true));

    expect(screen.getByTestId('workflow-search').tagName).toBe('INPUT');
    await user.click(await screen.findByTestId('workflow-delete-wf_1'));
    expect(seen.some((r) => r.method === 'DELETE')).toBe(false);
    await user.click(await screen.findByRole('button', { name: 'OK' }));
    await waitFor(() => expect(seen.some((r) => r.method === 'DELETE')).toBe(true));
    expect(await screen.findByText('No workflow matches this search.')).toBeInTheDocument();
    teardown();

    // Opening a row.
    deleted = false;
    const second = testStore(tokens());
    const again = renderApp(second.store, '/workflows', pages);
    await user.click((await screen.findAllByText('Order processing')).at(-1)!);
    await waitFor(() => expect(again.router.state.location.pathname).toBe('/workflows/wf_1'));
    second.teardown();
  });

  it('hides "New workflow" from readers', async () => {
    fakeServer((req) => {
      if (req.url === '/api/v1/auth/me') return envelope(200, { data: tokens({}, ['workflow:read']).user });
      if (req.url.startsWith('/api/v1/workflows?')) return envelope(200, { data: { items: [], total: 0, page: 1, pageSize: 20, totalPages: 0 } });
      return envelope(404, { code: 3000 });
    });
    const { store, teardown } = testStore(tokens({}, ['workflow:read']));
    renderApp(store, '/workflows', pages);
    expect(await screen.findByText('No workflow yet. Create one to automate a process.')).toBeInTheDocument();
    expect(screen.queryByTestId('workflow-new')).not.toBeInTheDocument();
    teardown();
  });
});
