// The live state of one workflow execution: the last `GET /api/v1/executions/{id}` answer (the
// record) merged with the `workflow-status` events heard since that answer was requested (the
// news). Plain data in, plain data out, so every ordering case is tested without React.
//
// Ordering: events carry the SSE `id`, which the server orders in time across instances, so
// events that arrive out of order are sorted back, and a replayed event (same id) is applied once.
// A snapshot covers every event received before its request started; those are dropped, later
// ones stay on top of it until the next snapshot.

/** A node's state in a run (engine `NodeView.status`). */
export type NodeRunStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

/** `queued`, `running`, `completed`, `failed` or `cancelled` (engine `ExecutionView.status`). */
export type ExecutionStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
export const NODE_STATUSES: readonly NodeRunStatus[] = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'];

/** One node of an execution, as `GET /api/v1/executions/{id}` sends it. */
export interface ExecutionNodeView {
  nodeId: string;
  /** The node's display name in the definition the execution ran. */
  name?: string;
  /** The node type (`query`, `http`, `condition`…). */
  type?: string;
  status: NodeRunStatus;
  outcome?: string | null;
  input?: unknown;
  output?: unknown;
  attempts?: number;
  error?: string | null;
  startedAt?: string | null;
  completedAt?: string | null;
  /** Milliseconds. */
  duration?: number | null;
}

/** A log line. `live` lines come from events not yet covered by a snapshot. */
export interface ExecutionLog {
  timestamp: string;
  nodeId?: string | null;
  level: string;
  message: string;
  live?: { event: WorkflowEventKind; status: string };
}

/** An execution, as `GET /api/v1/executions/{id}` sends it (list pages omit nodes and logs). */
export interface ExecutionView {
  executionId: string;
  workflowId: string;
  version?: number;
  status: string;
  trigger?: string;
  input?: unknown;
  output?: unknown;
  error?: string | null;
  startedBy?: string | null;
  createdAt?: string | null;
  startedAt?: string | null;
  completedAt?: string | null;
  /** Milliseconds from start to end. */
  duration?: number | null;
  /** Callback delivery state when a webhook was given. */
  callback?: string | null;
  nodes: ExecutionNodeView[];
  logs: ExecutionLog[];
}

/** `GET /api/v1/workflows/{id}/executions` page. */
export interface ExecutionPage {
  items: ExecutionView[];
  total: number;
  page: number;
  pageSize: number;
  totalPages?: number;
}

export type WorkflowEventKind = 'started' | 'nodeStarted' | 'nodeFinished' | 'finished';

/** A `workflow-status` event for one execution, as received. */
export interface WorkflowEvent {
  event: WorkflowEventKind;
  executionId: string;
  workflowId: string;
  nodeId?: string | null;
  /** The node's or the execution's status after the event. */
  status: string;
  error?: string | null;
  elapsedMs?: number;
  /** The SSE message id (ordered in time on the server); empty when absent. */
  id: string;
  /** The envelope's timestamp, when sent. */
  timestamp?: string;
  /** Client clock when received (ms), compared with a snapshot's request time. */
  receivedAt: number;
}

/** What one SSE message means for the execution being followed. */
export type StreamMessage = { kind: 'event'; event: WorkflowEvent } | { kind: 'notice' } | null;

const EVENT_KINDS: readonly string[] = ['started', 'nodeStarted', 'nodeFinished', 'finished'];

/** Reads one SSE message: a `workflow-status` event of this execution, a `notice`, or null. */
export function parseStreamMessage(raw: string, executionId: string, id: string, receivedAt: number): StreamMessage {
  let msg: { type?: unknown; timestamp?: unknown; data?: Record<string, unknown> | null };
  try {
    msg = JSON.parse(raw) as typeof msg;
  } catch {
    return null;
  }
  if (msg.type === 'notice') return { kind: 'notice' };
  const d = msg.data;
  if (msg.type !== 'workflow-status' || !d || d.executionId !== executionId) return null;
  if (typeof d.event !== 'string' || !EVENT_KINDS.includes(d.event) || typeof d.status !== 'string') return null;
  return {
    kind: 'event',
    event: {
      event: d.event as WorkflowEventKind,
      executionId,
      workflowId: typeof d.workflowId === 'string' ? d.workflowId : '',
      nodeId: typeof d.nodeId === 'string' ? d.nodeId : null,
      status: d.status,
      error: typeof d.error === 'string' ? d.error : null,
      elapsedMs: typeof d.elapsedMs === 'number' ? d.elapsedMs : undefined,
      id,
      timestamp: typeof msg.timestamp === 'string' ? msg.timestamp : undefined,
      receivedAt,
    },
  };
}

/** An event with its arrival number (the order for events without an id). */
export interface ReceivedEvent extends WorkflowEvent {
  arrival: number;
}

/** The merged state: the record and the news. */
export interface ExecutionModel {
  snapshot?: ExecutionView;
  /** Client time the snapshot's request started; events received before it are covered. */
  snapshotRequestedAt: number;
  /** Events received at or after `snapshotRequestedAt`, in server order. */
  events: ReceivedEvent[];
  /** How many events were ever received. */
  arrivals: number;
}

export const emptyModel: ExecutionModel = { snapshotRequestedAt: -Infinity, events: [], arrivals: 0 };

function sameEvent(a: WorkflowEvent, b: WorkflowEvent): boolean {
  if (a.id || b.id) return a.id === b.id;
  return a.event === b.event && a.nodeId === b.nodeId && a.status === b.status && a.elapsedMs === b.elapsedMs;
}

function before(a: ReceivedEvent, b: ReceivedEvent): boolean {
  if (a.id && b.id) return a.id < b.id;
  return a.arrival < b.arrival;
}

/** Adds an event (once), keeping server order. */
export function eventReceived(model: ExecutionModel, event: WorkflowEvent): ExecutionModel {
  if (event.receivedAt < model.snapshotRequestedAt) return model;
  if (model.events.some((e) => sameEvent(e, event))) return model;
  const received: ReceivedEvent = { ...event, arrival: model.arrivals + 1 };
  const at = model.events.findIndex((e) => before(received, e));
  const events = at < 0 ? [...model.events, received] : [...model.events.slice(0, at), received, ...model.events.slice(at)];
  return { ...model, events, arrivals: received.arrival };
}

/** Takes a fresh answer whose request started at `requestedAt` (client ms). */
export function snapshotReceived(model: ExecutionModel, snapshot: ExecutionView, requestedAt: number): ExecutionModel {
  // An older request answering late must not replace a newer record.
  if (model.snapshot && requestedAt < model.snapshotRequestedAt) return model;
  return { ...model, snapshot, snapshotRequestedAt: requestedAt, events: model.events.filter((e) => e.receivedAt >= requestedAt) };
}

const ENDED: readonly string[] = ['completed', 'failed', 'cancelled'];

export function isEnded(status: string | undefined): boolean {
  return status !== undefined && ENDED.includes(status);
}

export function isNodeStatus(s: string): s is NodeRunStatus {
  return (NODE_STATUSES as readonly string[]).includes(s);
}

const NODE_RANK: Record<NodeRunStatus, number> = { pending: 0, running: 1, succeeded: 2, failed: 2, skipped: 2, cancelled: 2 };

function nodeStatusOf(event: WorkflowEvent): NodeRunStatus {
  if (isNodeStatus(event.status)) return event.status;
  return event.event === 'nodeStarted' ? 'running' : 'failed';
}

/** The merged execution (undefined until the first snapshot) and every known node's status. */
export interface MergedExecution {
  execution?: ExecutionView;
  nodeStatus: Record<string, NodeRunStatus>;
  status?: string;
}

function byTime(a: ExecutionLog, b: ExecutionLog): number {
  const ta = Date.parse(a.timestamp);
  const tb = Date.parse(b.timestamp);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return 0;
  return ta - tb;
}

/** Applies the news to the record. */
export function mergeExecution(model: ExecutionModel): MergedExecution {
  const snap = model.snapshot;
  const nodes = new Map<string, ExecutionNodeView>();
  for (const n of snap?.nodes ?? []) nodes.set(n.nodeId, n);
  let status = snap?.status;
  let error = snap?.error ?? null;
  // Before a resume (`started`) is heard, news never moves a node back from where the record
  // has it: such an event was sent before the record was read and merely arrived late.
  let resumed = false;
  const liveLogs: ExecutionLog[] = [];
  for (const e of model.events) {
    if (e.event === 'started' || e.event === 'finished') {
      if (e.event === 'started') resumed = true;
      status = e.event === 'started' ? 'running' : e.status;
      // A resumed run has no error (yet); an ended one has the error it ended with.
      error = e.event === 'finished' ? (e.error ?? null) : null;
    } else if (e.nodeId) {
      const next = nodeStatusOf(e);
      const current = nodes.get(e.nodeId);
      const recorded = snap?.nodes.find((n) => n.nodeId === e.nodeId);
      if (!resumed && recorded && NODE_RANK[next] < NODE_RANK[recorded.status]) continue;
      nodes.set(e.nodeId, {
        ...(current ?? { nodeId: e.nodeId }),
        status: next,
        error: e.event === 'nodeFinished' ? (e.error ?? null) : null,
        ...(e.event === 'nodeStarted' ? { output: undefined, completedAt: null, duration: null } : {}),
      });
      // A node event after the end (sent before `finished`, received after) does not reopen it.
      if (status === undefined || status === 'queued') status = 'running';
    }
    liveLogs.push({
      timestamp: e.timestamp ?? new Date(e.receivedAt).toISOString(),
      nodeId: e.nodeId ?? null,
      level: e.status === 'failed' ? 'error' : e.status === 'cancelled' ? 'warn' : 'info',
      message: e.error ?? '',
      live: { event: e.event, status: e.status },
    });
  }
  const nodeStatus: Record<string, NodeRunStatus> = {};
  for (const [id, n] of nodes) nodeStatus[id] = n.status;
  if (!snap) return { nodeStatus, status };
  const logs = [...snap.logs].sort(byTime).concat(liveLogs);
  return {
    nodeStatus,
    status,
    execution: { ...snap, status: status ?? snap.status, error, nodes: [...nodes.values()], logs },
  };
}

/** Reads the server's answer (typed `object` in the generated client) once, at the boundary. */
export function toExecutionView(data: unknown): ExecutionView | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const v = data as Partial<ExecutionView> & { nodes?: unknown; logs?: unknown };
  if (typeof v.executionId !== 'string') return undefined;
  return {
    ...(v as ExecutionView),
    nodes: Array.isArray(v.nodes) ? (v.nodes as ExecutionNodeView[]) : [],
    logs: Array.isArray(v.logs) ? (v.logs as ExecutionLog[]) : [],
  };
}

/** Reads a list page at the boundary. */
export function toExecutionPage(data: unknown): ExecutionPage | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const p = data as Partial<ExecutionPage>;
  if (!Array.isArray(p.items)) return undefined;
  return {
    items: p.items.map(toExecutionView).filter((v): v is ExecutionView => v !== undefined),
    total: typeof p.total === 'number' ? p.total : p.items.length,
    page: typeof p.page === 'number' ? p.page : 1,
    pageSize: typeof p.pageSize === 'number' ? p.pageSize : p.items.length,
    totalPages: p.totalPages,
  };
}

/** The execution id a retry answered (`engine::Started`): the same execution, queued again. */
export function retriedExecutionId(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const id = (data as { executionId?: unknown }).executionId;
  return typeof id === 'string' && id ? id : undefined;
}
