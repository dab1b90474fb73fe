import { describe, expect, it } from 'vitest';
import {
  emptyModel,
  eventReceived,
  isEnded,
  mergeExecution,
  parseStreamMessage,
  retriedExecutionId,
  snapshotReceived,
  toExecutionPage,
  toExecutionView,
  type ExecutionModel,
  type ExecutionView,
  type WorkflowEvent,
  type WorkflowEventKind,
} from './executionModel';

const EXEC = 'exec_1';

function ev(id: string, event: WorkflowEventKind, status: string, nodeId?: string, receivedAt = 100, error: string | null = null): WorkflowEvent {
  return { id, event, status, nodeId: nodeId ?? null, executionId: EXEC, workflowId: 'wf_1', error, receivedAt };
}

function snap(status: string, nodes: Record<string, string>, logs: ExecutionView['logs'] = []): ExecutionView {
  return {
    executionId: EXEC,
    workflowId: 'wf_1',
    status,
    nodes: Object.entries(nodes).map(([nodeId, s]) => ({ nodeId, status: s as never, attempts: 1 })),
    logs,
  };
}

function apply(model: ExecutionModel, ...events: WorkflowEvent[]): ExecutionModel {
  return events.reduce(eventReceived, model);
}

describe('parseStreamMessage', () => {
  const frame = (data: object, type = 'workflow-status') => JSON.stringify({ type, timestamp: '2026-01-01T00:00:01Z', data });

  it('reads a workflow-status event of this execution', () => {
    const parsed = parseStreamMessage(
      frame({ event: 'nodeFinished', executionId: EXEC, workflowId: 'wf_1', nodeId: 'n1', status: 'failed', error: 'boom', elapsedMs: 12 }),
      EXEC,
      'id-1',
      5,
    );
    expect(parsed).toEqual({
      kind: 'event',
      event: {
        event: 'nodeFinished',
        executionId: EXEC,
        workflowId: 'wf_1',
        nodeId: 'n1',
        status: 'failed',
        error: 'boom',
        elapsedMs: 12,
        id: 'id-1',
        timestamp: '2026-01-01T00:00:01Z',
        receivedAt: 5,
      },
    });
  });

  it('ignores other executions, other event types and garbage; reports notices', () => {
    expect(parseStreamMessage(frame({ event: 'started', executionId: 'exec_2', status: 'running' }), EXEC, '', 0)).toBeNull();
    expect(parseStreamMessage(frame({ id: 'run-1', phase: 'running' }, 'query-progress'), EXEC, '', 0)).toBeNull();
    expect(parseStreamMessage(frame({ event: 'exploded', executionId: EXEC, status: 'x' }), EXEC, '', 0)).toBeNull();
    expect(parseStreamMessage('not json', EXEC, '', 0)).toBeNull();
    expect(parseStreamMessage(frame({ message: 'reload' }, 'notice'), EXEC, '', 0)).toEqual({ kind: 'notice' });
  });
});

describe('execution model', () => {
  it('applies events at once, before any record arrives', () => {
    const m = apply(emptyModel, ev('01', 'started', 'running'), ev('02', 'nodeStarted', 'running', 'n1'));
    const merged = mergeExecution(m);
    expect(merged.execution).toBeUndefined();
    expect(merged.status).toBe('running');
    expect(merged.nodeStatus).toEqual({ n1: 'running' });
  });

  it('sorts events that arrive out of order by their server id', () => {
    const m = apply(
      snapshotReceived(emptyModel, snap('running', { n1: 'pending', n2: 'pending' }), 0),
      ev('03', 'nodeFinished', 'succeeded', 'n1', 10),
      ev('02', 'nodeStarted', 'running', 'n1', 11),
      ev('04', 'nodeStarted', 'running', 'n2', 12),
    );
    expect(m.events.map((e) => e.id)).toEqual(['02', '03', '04']);
    expect(mergeExecution(m).nodeStatus).toEqual({ n1: 'succeeded', n2: 'running' });
  });

  it('applies a duplicated (replayed) event once', () => {
    const once = apply(emptyModel, ev('02', 'nodeStarted', 'running', 'n1'), ev('03', 'nodeFinished', 'failed', 'n1', 100, 'boom'));
    const twice = apply(once, ev('03', 'nodeFinished', 'failed', 'n1', 200, 'boom'), ev('02', 'nodeStarted', 'running', 'n1', 201));
    expect(twice).toBe(once);
    const merged = mergeExecution(snapshotReceived(twice, snap('running', { n1: 'pending' }), 0));
    expect(merged.execution?.nodes[0]).toMatchObject({ nodeId: 'n1', status: 'failed', error: 'boom' });
    expect(merged.execution?.logs.filter((l) => l.live?.event === 'nodeFinished')).toHaveLength(1);
  });

  it('dedupes events without an id by their content, keeping arrival order', () => {
    const m = apply(emptyModel, ev('', 'nodeStarted', 'running', 'n1'), ev('', 'nodeStarted', 'running', 'n1'), ev('', 'nodeFinished', 'succeeded', 'n1'));
    expect(m.events.map((e) => e.event)).toEqual(['nodeStarted', 'nodeFinished']);
    expect(mergeExecution(m).nodeStatus.n1).toBe('succeeded');
  });

  it('keeps the end when a node event sent before `finished` arrives after it', () => {
    const base = snapshotReceived(emptyModel, snap('running', { n1: 'running', n2: 'pending' }), 0);
    const m = apply(base, ev('05', 'finished', 'failed', undefined, 10, 'n1 failed'), ev('04', 'nodeFinished', 'failed', 'n1', 11, 'boom'));
    const merged = mergeExecution(m);
    expect(merged.status).toBe('failed');
    expect(isEnded(merged.status)).toBe(true);
    expect(merged.execution?.error).toBe('n1 failed');
    expect(merged.nodeStatus).toEqual({ n1: 'failed', n2: 'pending' });
  });

  it('does not reopen an ended execution on a late node event without a resume', () => {
    const base = snapshotReceived(emptyModel, snap('completed', { n1: 'succeeded' }), 0);
    const merged = mergeExecution(apply(base, ev('02', 'nodeStarted', 'running', 'n1', 10)));
    expect(merged.status).toBe('completed');
    expect(merged.nodeStatus.n1).toBe('succeeded');
  });

  it('follows a retry: after `started`, nodes may run again', () => {
    const base = snapshotReceived(emptyModel, { ...snap('failed', { n1: 'succeeded', n2: 'failed' }), error: 'n2 failed' }, 0);
    const merged = mergeExecution(apply(base, ev('10', 'started', 'running', undefined, 10), ev('11', 'nodeStarted', 'running', 'n2', 11)));
    expect(merged.status).toBe('running');
    expect(merged.execution?.error).toBeNull();
    expect(merged.nodeStatus).toEqual({ n1: 'succeeded', n2: 'running' });
    expect(merged.execution?.nodes.find((n) => n.nodeId === 'n2')?.error).toBeNull();
  });

  it('lets a refetch override statuses from events it already covers', () => {
    const m = apply(emptyModel, ev('02', 'nodeStarted', 'running', 'n1', 100), ev('03', 'nodeStarted', 'running', 'n2', 100));
    // The record was requested after both events: it is the truth, even where it disagrees.
    const fresh = snapshotReceived(m, snap('failed', { n1: 'succeeded', n2: 'cancelled' }), 150);
    expect(fresh.events).toHaveLength(0);
    expect(mergeExecution(fresh).nodeStatus).toEqual({ n1: 'succeeded', n2: 'cancelled' });
    expect(mergeExecution(fresh).status).toBe('failed');
  });

  it('keeps events received after the refetch was requested on top of it', () => {
    const m = apply(emptyModel, ev('02', 'nodeStarted', 'running', 'n1', 100), ev('03', 'nodeFinished', 'succeeded', 'n1', 200));
    const fresh = snapshotReceived(m, snap('running', { n1: 'running' }), 150);
    expect(fresh.events.map((e) => e.id)).toEqual(['03']);
    expect(mergeExecution(fresh).nodeStatus.n1).toBe('succeeded');
    // An event from before the record's request that is delivered late is ignored.
    expect(eventReceived(fresh, ev('01', 'started', 'running', undefined, 120))).toBe(fresh);
  });

  it('ignores an older answer arriving after a newer one', () => {
    const newer = snapshotReceived(emptyModel, snap('completed', { n1: 'succeeded' }), 200);
    expect(snapshotReceived(newer, snap('running', { n1: 'running' }), 100)).toBe(newer);
  });

  it('orders the log by time, with live lines after the record', () => {
    const logs = [
      { timestamp: '2026-01-01T00:00:02Z', level: 'info', message: 'second', nodeId: 'n1' },
      { timestamp: '2026-01-01T00:00:01Z', level: 'info', message: 'first', nodeId: null },
    ];
    const m = apply(snapshotReceived(emptyModel, snap('running', { n1: 'running' }, logs), 0), ev('09', 'nodeFinished', 'failed', 'n1', 10, 'boom'));
    const out = mergeExecution(m).execution?.logs ?? [];
    expect(out.map((l) => l.message)).toEqual(['first', 'second', 'boom']);
    expect(out[2]).toMatchObject({ level: 'error', nodeId: 'n1', live: { event: 'nodeFinished', status: 'failed' } });
  });
});

describe('boundary readers', () => {
  it('reads an execution, a page and a retry answer', () => {
    expect(toExecutionView({ executionId: 'e', workflowId: 'w', status: 'queued' })).toEqual({
      executionId: 'e',
      workflowId: 'w',
      status: 'queued',
      nodes: [],
      logs: [],
    });
    expect(toExecutionView({ id: 'x' })).toBeUndefined();
    expect(toExecutionPage({ items: [{ executionId: 'e', workflowId: 'w', status: 'failed' }], total: 7, page: 2, pageSize: 1 })).toMatchObject({
      total: 7,
      page: 2,
      items: [{ executionId: 'e' }],
    });
    expect(retriedExecutionId({ executionId: 'exec_1', status: 'queued' })).toBe('exec_1');
    expect(retriedExecutionId(null)).toBeUndefined();
  });
});
