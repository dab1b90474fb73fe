import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { envelope, fakeServer } from '../../app/testUtils';
import ExecutionsPage from './ExecutionsPage';
import { FakeEventSource, renderView } from './execution/testing';


let teardown: () => void = () => {};
beforeEach(() => FakeEventSource.install());
afterEach(() => {
  teardown();
  vi.unstubAllGlobals();
});

function summary(id: string, status: string) {
  return {
    executionId: id,
    workflowId: 'wf_1',
    version: 2,
    status,
    trigger: 'webhook',
    input: {},
    output: null,
    error: status === 'failed' ? 'boom' : null,
    startedBy: null,
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: '2026-01-01T00:00:00Z',
    completedAt: '2026-01-01T00:00:02Z',
    duration: 2000,
    callback: null,
    nodes: [],
    logs: [],
  };
}

const all = [summary('exec_2', 'failed'), summary('exec_1', 'completed')];

function serve() {
  return fakeServer((req) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/api/v1/workflows/wf_1/executions') {
      const status = url.searchParams.get('status');
      const items = status ? all.filter((e) => e.status === status) : all;
      return envelope(200, { data: { items, total: items.length, page: 1, pageSize: 20, totalPages: 1 } });
    }
    if (url.pathname === '/api/v1/executions/exec_2') {
      return envelope(200, {
        data: {
          ...summary('exec_2', 'failed'),
          nodes: [{ nodeId: 'q1', name: 'q1', type: 'query', status: 'failed', input: { a: 1 }, output: null, error: 'boom', attempts: 3, duration: 5 }],
          logs: [{ timestamp: '2026-01-01T00:00:01Z', nodeId: 'q1', level: 'error', message: 'boom' }],
        },
      });
    }
    if (url.pathname === '/api/v1/auth/ws-ticket') return envelope(200, { data: { ticket: 'tk', expiresIn: 30 } });
    return envelope(404, { code: 40400, message: 'not found' });
  });
}

describe('ExecutionsPage', () => {
  it('lists executions newest first, filters by status and links back to the designer', async () => {
    const server = serve();
    teardown = renderView(<ExecutionsPage />, { path: '/workflows/wf_1/executions', route: '/workflows/:id/executions' }).teardown;
    const table = await screen.findByTestId('executions-table');
    await within(table).findByTestId('execution-row-exec_2');
    const rows = within(table).getAllByTestId(/^execution-row-/);
    expect(rows.map((r) => r.getAttribute('data-testid'))).toEqual(['execution-row-exec_2', 'execution-row-exec_1']);
    expect(within(rows[0] as HTMLElement).getByText('Failed')).toBeInTheDocument();
    expect(within(rows[0] as HTMLElement).getByText('Webhook')).toBeInTheDocument();
    expect(server.seen[0]?.url).toBe('/api/v1/workflows/wf_1/executions?page=1&pageSize=20');
    expect(screen.getByTestId('executions-back')).toHaveAttribute('href', '/workflows/wf_1');

    fireEvent.mouseDown(within(screen.getByTestId('executions-status-filter')).getByRole('combobox'));
    fireEvent.click(await screen.findByTitle('Failed'));
    await waitFor(() => expect(server.seen.some((r) => r.url === '/api/v1/workflows/wf_1/executions?page=1&pageSize=20&status=failed')).toBe(true));
    await waitFor(() => expect(within(table).queryByTestId('execution-row-exec_1')).toBeNull());
    expect(within(table).getByTestId('execution-row-exec_2')).toBeInTheDocument();
  });

  it('opens an execution in a drawer', async () => {
    serve();
    teardown = renderView(<ExecutionsPage />, { path: '/workflows/wf_1/executions', route: '/workflows/:id/executions' }).teardown;
    fireEvent.click(await screen.findByTestId('execution-row-exec_2'));
    const panel = await screen.findByTestId('execution-panel');
    expect(await within(panel).findByTestId('execution-status')).toHaveAttribute('data-status', 'failed');
    fireEvent.click(within(panel).getByTestId('execution-node-q1'));
    expect(within(panel).getByTestId('execution-node-input').textContent).toContain('"a": 1');
  });

  it('has a designed empty state', async () => {
    fakeServer(() => envelope(200, { data: { items: [], total: 0, page: 1, pageSize: 20, totalPages: 0 } }));
    teardown = renderView(<ExecutionsPage />, { path: '/workflows/wf_1/executions', route: '/workflows/:id/executions' }).teardown;
    expect(await screen.findByText('This workflow has not run yet')).toBeInTheDocument();
  });
});
