import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { lazy } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppRoute } from '../../../app/routes';
import { envelope, fakeServer, notificationSpy, renderApp, testStore, tokens, type SeenRequest } from '../../../app/testUtils';
import { installFlowPolyfills } from './testSetup';


const pages: AppRoute[] = [
  { path: '/workflows/new', element: lazy(() => import('../WorkflowDesignerPage')), permission: 'workflow:write', navKey: 'workflows' },
  { path: '/workflows/:id', element: lazy(() => import('../WorkflowDesignerPage')), permission: 'workflow:read', navKey: 'workflows' },
];

const saved = {
  id: 'wf_1',
  name: 'Pay orders',
  description: null,
  category: null,
  status: 'draft',
  version: 1,
  latestVersion: 1,
  publishedVersion: null,
  publishedAt: null,
  maxConcurrency: 16,
  createdBy: 'user_1',
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
  webhooks: [],
  definition: {
    nodes: [
      { id: 'node_1', type: 'api', name: 'Check', config: { url: 'https://a.example.com' }, position: { x: 0, y: 0 } },
      { id: 'node_2', type: 'api', name: 'Pay', config: { url: 'https://b.example.com' }, position: { x: 300, y: 0 } },
    ],
    edges: [{ id: 'edge_1', from: 'node_1', to: 'node_2', condition: null }],
    variables: [],
    triggers: [],
  },
};

const emptyPage = { items: [], total: 0, page: 1, pageSize: 100, totalPages: 0 };

function serve(handle: (req: SeenRequest) => Response | undefined) {
  return fakeServer((req) => {
    const answer = handle(req);
    if (answer) return answer;
    if (req.url === '/api/v1/auth/me') return envelope(200, { data: tokens().user });
    if (req.url.startsWith('/api/v1/datasources') || req.url.startsWith('/api/v1/templates')) return envelope(200, { data: emptyPage });
    return envelope(404, { code: 3000, message: `no fake for ${req.method} ${req.url}` });
  });
}

beforeAll(installFlowPolyfills);
beforeEach(() => {
  window.localStorage.clear();
  notificationSpy();
});
afterEach(() => vi.unstubAllGlobals());

describe('WorkflowDesignerPage', () => {
  it('adds nodes from the palette, connects them from the panel and saves the definition', async () => {
    const { seen } = serve((req) => {
      if (req.method === 'POST' && req.url === '/api/v1/workflows') return envelope(201, { data: { ...saved, id: 'wf_9', signingSecret: 'sekrit-shown-once' } });
      if (req.method === 'GET' && req.url.startsWith('/api/v1/workflows/wf_9')) return envelope(200, { data: { ...saved, id: 'wf_9' } });
      return undefined;
    });
    const { store, teardown } = testStore(tokens());
    const { router } = renderApp(store, '/workflows/new', pages);
    const user = userEvent.setup({ delay: null });

    await user.click(await screen.findByTestId('palette-end'));
    expect(await screen.findByTestId('wf-node-node_1')).toBeInTheDocument();
    await user.click(screen.getByTestId('palette-api'));
    expect(await screen.findByTestId('wf-node-node_2')).toBeInTheDocument();

    // The new api node is selected: its panel edits it.
    const panel = screen.getByTestId('wf-panel');
    const name = within(panel).getByTestId('wf-node-name');
    await user.clear(name);
    await user.type(name, 'Pay');
    await user.type(within(panel).getByTestId('wf-url'), 'https://pay.example.com');
    fireEvent.change(within(panel).getByTestId('wf-method'), { target: { value: 'POST' } });
    fireEvent.change(within(panel).getByTestId('wf-connect-target'), { target: { value: 'node_1' } });
    fireEvent.change(within(panel).getByTestId('wf-connect-condition'), { target: { value: 'success' } });
    await user.click(within(panel).getByTestId('wf-connect-add'));

    const wfName = screen.getByTestId('wf-name');
    await user.clear(wfName);
    await user.type(wfName, 'Pay orders');
    await user.click(screen.getByTestId('wf-save'));

    await waitFor(() => expect(seen.some((r) => r.method === 'POST' && r.url === '/api/v1/workflows')).toBe(true));
    const body = JSON.parse(seen.find((r) => r.method === 'POST' && r.url === '/api/v1/workflows')!.body!);
    expect(body.name).toBe('Pay orders');
    expect(body.nodes.map((n: { id: string; type: string }) => [n.id, n.type])).toEqual([
      ['node_1', 'end'],
      ['node_2', 'api'],
    ]);
    expect(body.nodes[1]).toMatchObject({ name: 'Pay', config: { url: 'https://pay.example.com', method: 'POST' } });
    expect(body.edges).toEqual([{ id: 'edge_1', from: 'node_2', to: 'node_1', condition: 'success' }]);
    expect(body.variables).toEqual([]);

    // Created: on to the saved workflow, with the signing secret shown once.
    await waitFor(() => expect(router.state.location.pathname).toBe('/workflows/wf_9'));
    expect(await screen.findByTestId('wf-secret')).toHaveTextContent('sekrit-shown-once');
    teardown();
  });

  it('puts the server’s problems on the node they concern', async () => {
    const { seen } = serve((req) => {
      if (req.method === 'GET' && req.url.startsWith('/api/v1/workflows/wf_1')) return envelope(200, { data: saved });
      if (req.method === 'PUT' && req.url === '/api/v1/workflows/wf_1')
        return envelope(400, {
          code: 1000,
          message: 'invalid definition',
          errors: [{ path: 'nodes[1].config.url', code: 'invalid', message: 'refused address' }],
        });
      return undefined;
    });
    const { store, teardown } = testStore(tokens());
    renderApp(store, '/workflows/wf_1', pages);
    const user = userEvent.setup({ delay: null });
    expect(await screen.findByTestId('wf-node-node_2')).toBeInTheDocument();
    expect(screen.queryByTestId('wf-node-problems-node_2')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('wf-save'));
    await waitFor(() => expect(seen.some((r) => r.method === 'PUT')).toBe(true));
    expect(await screen.findByTestId('wf-node-problems-node_2')).toBeInTheDocument();
    expect(screen.queryByTestId('wf-node-problems-node_1')).not.toBeInTheDocument();

    // Selecting the node lists the problem in its panel.
    fireEvent.click(screen.getByTestId('wf-node-node_2'));
    const list = await screen.findByTestId('wf-node-problem-list');
    expect(list).toHaveTextContent('refused address (nodes[1].config.url)');
    teardown();
  });

  it('runs with a form made from the variables and colours the nodes from the execution', async () => {
    const withVars = {
      ...saved,
      definition: {
        ...saved.definition,
        variables: [
          { name: 'orderId', type: 'string', required: true, defaultValue: null },
          { name: 'amount', type: 'number', required: false, defaultValue: null },
        ],
      },
    };
    const { seen } = serve((req) => {
      if (req.method === 'GET' && req.url.startsWith('/api/v1/workflows/wf_1')) return envelope(200, { data: withVars });
      if (req.method === 'POST' && req.url === '/api/v1/workflows/wf_1/execute')
        return envelope(200, { data: { executionId: 'ex_1', status: 'running', monitorUrl: '/api/v1/executions/ex_1' } });
      if (req.method === 'GET' && req.url.startsWith('/api/v1/executions/ex_1'))
        return envelope(200, {
          data: {
            executionId: 'ex_1',
            workflowId: 'wf_1',
            status: 'failed',
            nodes: [
              { nodeId: 'node_1', status: 'succeeded' },
              { nodeId: 'node_2', status: 'failed', error: 'HTTP 500' },
            ],
            logs: [],
          },
        });
      return undefined;
    });
    const { store, teardown } = testStore(tokens());
    renderApp(store, '/workflows/wf_1', pages);
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByTestId('wf-run'));
    const modal = await screen.findByTestId('wf-run-modal');
    await user.click(screen.getByTestId('wf-run-submit'));
    expect(await within(modal).findByText('Required')).toBeInTheDocument();
    expect(seen.some((r) => r.url.endsWith('/execute'))).toBe(false);

    await user.type(within(modal).getByTestId('wf-input-orderId'), 'ORD1');
    await user.click(screen.getByTestId('wf-run-submit'));
    await waitFor(() => expect(seen.some((r) => r.url.endsWith('/execute'))).toBe(true));
    expect(JSON.parse(seen.find((r) => r.url.endsWith('/execute'))!.body!)).toEqual({ input: { orderId: 'ORD1' }, options: { async: true } });

    expect(await screen.findByTestId('wf-execution')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('wf-node-node_1')).toHaveAttribute('data-status', 'succeeded'));
    expect(screen.getByTestId('wf-node-node_2')).toHaveAttribute('data-status', 'failed');
    teardown();
  });

  it('previews the next runs of a schedule as the cron is typed', async () => {
    const withSchedule = { ...saved, definition: { ...saved.definition, triggers: [{ id: 'nightly', type: 'schedule', config: { cron: '0 2 * * *', timezone: 'UTC' } }] } };
    const next = ['2026-12-05T02:00:00Z', '2026-12-06T02:00:00Z', '2026-12-07T02:00:00Z', '2026-12-08T02:00:00Z', '2026-12-09T02:00:00Z'];
    const { seen } = serve((req) => {
      if (req.method === 'GET' && req.url.startsWith('/api/v1/workflows/cron-preview')) {
        const cron = new URLSearchParams(req.url.split('?')[1]).get('cron');
        return cron === '0 2 * * *'
          ? envelope(200, { data: { cron, timezone: 'UTC', next, nextLocal: next } })
          : envelope(400, { code: 1000, message: 'invalid', errors: [{ path: 'cron', code: 'invalid', message: 'bad cron field' }] });
      }
      if (req.method === 'GET' && req.url.startsWith('/api/v1/workflows/wf_1')) return envelope(200, { data: withSchedule });
      return undefined;
    });
    const { store, teardown } = testStore(tokens());
    renderApp(store, '/workflows/wf_1', pages);
    const preview = await screen.findByTestId('wf-cron-preview', {}, { timeout: 5000 });
    expect(within(preview).getAllByRole('listitem')).toHaveLength(5);
    expect(seen.find((r) => r.url.startsWith('/api/v1/workflows/cron-preview'))!.url).toContain('count=5');

    const cron = screen.getByTestId('wf-trigger-cron-0');
    fireEvent.change(cron, { target: { value: '0 2 * *' } });
    expect(await screen.findByTestId('wf-cron-error', {}, { timeout: 5000 })).toHaveTextContent('bad cron field');
    teardown();
  });

  it('shows an older version read-only, without the palette', async () => {
    const { seen } = serve((req) => (req.method === 'GET' && req.url.startsWith('/api/v1/workflows/wf_1') ? envelope(200, { data: saved }) : undefined));
    const { store, teardown } = testStore(tokens());
    renderApp(store, '/workflows/wf_1?version=1', pages);
    expect(await screen.findByTestId('wf-readonly-banner')).toBeInTheDocument();
    expect(seen.some((r) => r.url === '/api/v1/workflows/wf_1?version=1')).toBe(true);
    expect(screen.queryByTestId('palette-query')).not.toBeInTheDocument();
    expect(screen.queryByTestId('wf-save')).not.toBeInTheDocument();
    expect(screen.getByTestId('wf-name')).toBeDisabled();
    teardown();
  });

  it('undoes, redoes, copies and pastes nodes from the keyboard', async () => {
    serve(() => undefined);
    const { store, teardown } = testStore(tokens());
    renderApp(store, '/workflows/new', pages);
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByTestId('palette-delay'));
    await user.click(screen.getByTestId('palette-transform'));
    expect(await screen.findByTestId('wf-node-node_2')).toBeInTheDocument();

    await user.click(screen.getByTestId('wf-undo'));
    await waitFor(() => expect(screen.queryByTestId('wf-node-node_2')).not.toBeInTheDocument());
    await user.click(screen.getByTestId('wf-redo'));
    expect(await screen.findByTestId('wf-node-node_2')).toBeInTheDocument();

    // node_2 is selected (just added): copy, then paste twice.
    const canvas = screen.getByTestId('wf-canvas');
    fireEvent.keyDown(canvas, { key: 'c', ctrlKey: true });
    fireEvent.keyDown(canvas, { key: 'v', ctrlKey: true });
    expect(await screen.findByTestId('wf-node-node_3')).toBeInTheDocument();
    fireEvent.keyDown(canvas, { key: 'v', metaKey: true });
    expect(await screen.findByTestId('wf-node-node_4')).toBeInTheDocument();
    fireEvent.keyDown(canvas, { key: 'z', ctrlKey: true });
    await waitFor(() => expect(screen.queryByTestId('wf-node-node_4')).not.toBeInTheDocument());
    expect(screen.getByTestId('wf-node-node_3')).toBeInTheDocument();
    teardown();
  });

  it('asks before leaving with unsaved changes, and stays when asked to', async () => {
    serve(() => undefined);
    const { store, teardown } = testStore(tokens());
    const { router } = renderApp(store, '/workflows/new', pages);
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByTestId('palette-delay'));
    expect(await screen.findByTestId('wf-node-node_1')).toBeInTheDocument();

    await user.click(screen.getByLabelText('Back to the workflows'));
    await waitFor(() => expect(document.querySelectorAll('.ant-modal-confirm')).toHaveLength(1));
    expect(document.querySelector('.ant-modal-confirm')).toHaveTextContent('Leave without saving?');
    await user.click(screen.getByText('Stay').closest('button')!);
    expect(router.state.location.pathname).toBe('/workflows/new');
    expect(screen.getByTestId('wf-node-node_1')).toBeInTheDocument();

    await user.click(screen.getByLabelText('Back to the workflows'));
    // (The first dialog may still be fading out: the newest one is asked.)
    await waitFor(() => expect(screen.getAllByTestId('wf-leave-discard').length).toBeGreaterThan(0));
    await user.click(screen.getAllByTestId('wf-leave-discard').at(-1)!);
    await waitFor(() => expect(router.state.location.pathname).toBe('/workflows'));
    teardown();
  });
});
