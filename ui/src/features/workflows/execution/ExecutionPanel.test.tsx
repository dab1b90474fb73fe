import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { envelope, fakeServer, type SeenRequest } from '../../../app/testUtils';
import ExecutionPanel from './ExecutionPanel';
import { FakeEventSource, renderView } from './testing';


let teardown: () => void = () => {};
beforeEach(() => FakeEventSource.install());
afterEach(() => {
  teardown();
  vi.unstubAllGlobals();
});

function execution(status: string, nodes: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    executionId: 'exec_1',
    workflowId: 'wf_1',
    version: 3,
    status,
    trigger: 'manual',
    input: { region: 'EU' },
    output: null,
    error: status === 'failed' ? 'node q1 failed' : null,
    startedBy: 'user_1',
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: '2026-01-01T00:00:00Z',
    completedAt: null,
    duration: status === 'running' ? null : 1250,
    callback: null,
    nodes: Object.entries(nodes).map(([nodeId, s]) => ({
      nodeId,
      name: nodeId === 'q1' ? 'Load orders' : nodeId,
      type: nodeId === 'q1' ? 'query' : 'transform',
      status: s,
      outcome: null,
      input: s === 'pending' ? null : { sql: 'SELECT 1', region: 'EU' },
      output: s === 'succeeded' ? { rows: [{ total: 42 }] } : null,
      error: s === 'failed' ? 'timeout' : null,
      attempts: s === 'pending' ? 0 : 2,
      startedAt: null,
      completedAt: null,
      duration: s === 'pending' ? null : 340,
    })),
    logs: [{ timestamp: '2026-01-01T00:00:00.100Z', nodeId: 'q1', level: 'error', message: 'query timed out' }],
    ...extra,
  };
}

type Handler = (req: SeenRequest) => Response | undefined;

function serve(current: () => object, more: Handler = () => undefined) {
  return fakeServer((req) => {
    const answer = more(req);
    if (answer) return answer;
    if (req.url === '/api/v1/auth/ws-ticket') return envelope(200, { data: { ticket: `tk_${Math.random()}`, expiresIn: 30 } });
    if (req.url === '/api/v1/executions/exec_1') return envelope(200, { data: current() });
    return envelope(404, { code: 40400, message: 'not found' });
  });
}

const gets = (seen: SeenRequest[]) => seen.filter((r) => r.method === 'GET' && r.url === '/api/v1/executions/exec_1').length;

describe('ExecutionPanel', () => {
  it('offers Cancel while running and calls the API', async () => {
    let state = execution('running', { q1: 'running', t1: 'pending' });
    const server = serve(
      () => state,
      (req) => {
        if (req.method !== 'POST' || req.url !== '/api/v1/executions/exec_1/cancel') return undefined;
        state = execution('cancelled', { q1: 'cancelled', t1: 'pending' });
        return envelope(200, { data: state });
      },
    );
    teardown = renderView(<ExecutionPanel executionId="exec_1" />).teardown;
    const status = await screen.findByTestId('execution-status');
    expect(status).toHaveAttribute('data-status', 'running');
    expect(screen.queryByTestId('execution-retry')).toBeNull();
    fireEvent.click(screen.getByTestId('execution-cancel'));
    await waitFor(() => expect(server.seen.some((r) => r.method === 'POST' && r.url === '/api/v1/executions/exec_1/cancel')).toBe(true));
    await waitFor(() => expect(screen.getByTestId('execution-status')).toHaveAttribute('data-status', 'cancelled'));
    expect(screen.queryByTestId('execution-cancel')).toBeNull();
    expect(screen.getByTestId('execution-retry')).toBeInTheDocument();
  });

  it('offers Retry when failed, calls the API and reports the execution id it answers', async () => {
    const onRetried = vi.fn();
    const server = serve(
      () => execution('failed', { q1: 'failed', t1: 'pending' }),
      (req) =>
        req.method === 'POST' && req.url === '/api/v1/executions/exec_1/retry'
          ? envelope(200, { data: { executionId: 'exec_1', status: 'queued' } })
          : undefined,
    );
    teardown = renderView(<ExecutionPanel executionId="exec_1" onRetried={onRetried} />).teardown;
    expect(await screen.findByTestId('execution-status')).toHaveAttribute('data-status', 'failed');
    expect(screen.getByTestId('execution-error')).toHaveTextContent('node q1 failed');
    expect(screen.queryByTestId('execution-cancel')).toBeNull();
    fireEvent.click(screen.getByTestId('execution-retry'));
    await waitFor(() => expect(onRetried).toHaveBeenCalledWith('exec_1'));
    expect(server.seen.filter((r) => r.method === 'POST' && r.url === '/api/v1/executions/exec_1/retry')).toHaveLength(1);
  });

  it('hides Cancel and Retry from users who may not execute workflows', async () => {
    serve(() => execution('failed', { q1: 'failed' }));
    teardown = renderView(<ExecutionPanel executionId="exec_1" />, { permissions: ['workflow:read'] }).teardown;
    expect(await screen.findByTestId('execution-status')).toHaveAttribute('data-status', 'failed');
    expect(screen.queryByTestId('execution-retry')).toBeNull();
    expect(screen.queryByTestId('execution-cancel')).toBeNull();
  });

  it('lists nodes and shows the clicked node’s input and output, and the logs', async () => {
    serve(() => execution('completed', { q1: 'succeeded', t1: 'skipped' }));
    const onSelectNode = vi.fn();
    teardown = renderView(<ExecutionPanel executionId="exec_1" onSelectNode={onSelectNode} />).teardown;
    const row = await screen.findByTestId('execution-node-q1');
    expect(within(row).getByText('Load orders')).toBeInTheDocument();
    expect(within(row).getByTestId('execution-node-status')).toHaveAttribute('data-status', 'succeeded');
    expect(within(row).getByText('2')).toBeInTheDocument();
    expect(within(row).getByText('340 ms')).toBeInTheDocument();
    expect(screen.getByTestId('execution-node-detail')).toHaveTextContent('Select a node');
    fireEvent.click(row);
    expect(onSelectNode).toHaveBeenCalledWith('q1');
    const detail = screen.getByTestId('execution-node-detail');
    expect(within(detail).getByTestId('execution-node-input').textContent).toContain('"sql": "SELECT 1"');
    expect(within(detail).getByTestId('execution-node-output').textContent).toContain('"total": 42');
    expect(screen.getByTestId('execution-duration')).toHaveTextContent('1.3 s');
    const line = within(screen.getByTestId('execution-logs')).getByTestId('execution-log-line');
    expect(line).toHaveAttribute('data-level', 'error');
    expect(line).toHaveTextContent('query timed out');
  });

  it('follows the execution live and closes the stream once it has ended', async () => {
    let state = execution('running', { q1: 'pending', t1: 'pending' });
    const server = serve(() => state);
    teardown = renderView(<ExecutionPanel executionId="exec_1" />).teardown;
    expect(await screen.findByTestId('execution-status')).toHaveAttribute('data-status', 'running');
    await waitFor(() => expect(FakeEventSource.last()).toBeDefined());
    const stream = FakeEventSource.last() as FakeEventSource;
    expect(stream.url).toMatch(/^\/api\/v1\/events\?ticket=tk_/);
    const before = gets(server.seen);
    stream.open();
    // The execution may have moved on before the stream opened: it is read again.
    await waitFor(() => expect(gets(server.seen)).toBeGreaterThan(before));
    expect(await screen.findByTestId('execution-live')).toBeInTheDocument();

    stream.workflowStatus('01', { event: 'nodeStarted', executionId: 'exec_1', workflowId: 'wf_1', nodeId: 'q1', status: 'running', elapsedMs: 3 });
    stream.workflowStatus('02', { event: 'nodeStarted', executionId: 'exec_other', workflowId: 'wf_1', nodeId: 't1', status: 'running', elapsedMs: 3 });
    expect(within(screen.getByTestId('execution-node-q1')).getByTestId('execution-node-status')).toHaveAttribute('data-status', 'running');
    expect(within(screen.getByTestId('execution-node-t1')).getByTestId('execution-node-status')).toHaveAttribute('data-status', 'pending');

    state = execution('completed', { q1: 'succeeded', t1: 'succeeded' }, { completedAt: '2026-01-01T00:00:01Z' });
    const beforeEnd = gets(server.seen);
    stream.workflowStatus('03', { event: 'finished', executionId: 'exec_1', workflowId: 'wf_1', status: 'completed', elapsedMs: 9 });
    expect(screen.getByTestId('execution-status')).toHaveAttribute('data-status', 'completed');
    await waitFor(() => expect(gets(server.seen)).toBeGreaterThan(beforeEnd));
    await waitFor(() => expect(within(screen.getByTestId('execution-node-t1')).getByTestId('execution-node-status')).toHaveAttribute('data-status', 'succeeded'));
    expect(stream.closed).toBe(true);
    expect(screen.queryByTestId('execution-live')).toBeNull();
  });

  it('reconnects with a fresh ticket, resuming after the last event', async () => {
    serve(() => execution('running', { q1: 'running' }));
    teardown = renderView(<ExecutionPanel executionId="exec_1" />).teardown;
    await waitFor(() => expect(FakeEventSource.last()).toBeDefined());
    const first = FakeEventSource.last() as FakeEventSource;
    first.open();
    first.workflowStatus('07', { event: 'nodeStarted', executionId: 'exec_1', workflowId: 'wf_1', nodeId: 'q1', status: 'running', elapsedMs: 1 });
    first.fail();
    expect(first.closed).toBe(true);
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(2), { timeout: 5000 });
    const second = FakeEventSource.last() as FakeEventSource;
    expect(second.url).toContain('lastEventId=07');
    expect(new URL(second.url, 'http://x').searchParams.get('ticket')).not.toBe(new URL(first.url, 'http://x').searchParams.get('ticket'));
  });

  it('shows an error state when the execution cannot be read', async () => {
    fakeServer((req) =>
      req.url === '/api/v1/auth/ws-ticket' ? envelope(200, { data: { ticket: 'tk', expiresIn: 30 } }) : envelope(404, { code: 40400, message: 'execution not found' }),
    );
    teardown = renderView(<ExecutionPanel executionId="exec_1" />).teardown;
    expect(await screen.findByText('Could not load the execution')).toBeInTheDocument();
    expect(screen.getByTestId('execution-panel')).toHaveTextContent('execution not found');
  });
});
