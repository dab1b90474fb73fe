// The workflow definition as docs/workflows.md describes it, plus the server's views of a saved
// workflow. The generated client types these bodies as `object`; they are cast once, here.

export const NODE_TYPES = ['query', 'condition', 'api', 'transform', 'delay', 'end'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export const EDGE_CONDITIONS = ['success', 'failure', 'true', 'false'] as const;
export type EdgeCondition = (typeof EDGE_CONDITIONS)[number];

export const VARIABLE_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export interface Position {
  x: number;
  y: number;
}

export interface RetryPolicy {
  maxAttempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** Node configs are open JSON objects; the forms read and write the documented fields. */
export type NodeConfig = Record<string, unknown>;

export interface WorkflowNode {
  id: string;
  type: NodeType;
  name: string;
  config: NodeConfig;
  position?: Position;
}

export interface WorkflowEdge {
  id: string;
  from: string;
  to: string;
  condition: EdgeCondition | null;
}

export interface Variable {
  name: string;
  type: VariableType;
  required: boolean;
  defaultValue: unknown;
}

export type TriggerType = 'webhook' | 'schedule' | 'manual';

export interface Trigger {
  id?: string;
  type: TriggerType;
  enabled?: boolean;
  config?: Record<string, unknown>;
}

export interface Definition {
  name: string;
  description?: string | null;
  category?: string | null;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  variables: Variable[];
  triggers: Trigger[];
  maxConcurrency?: number;
}

/** `GET /api/v1/workflows/{id}` and list items. */
export interface SavedWorkflow {
  id: string;
  name: string;
  description?: string | null;
  category?: string | null;
  status: 'draft' | 'published';
  version: number;
  latestVersion: number;
  publishedVersion?: number | null;
  publishedAt?: string | null;
  maxConcurrency: number;
  createdBy?: string | null;
  createdAt: string;
  updatedAt: string;
  definition: Partial<Definition>;
  webhooks: string[];
}

/** `POST /api/v1/workflows` answers the workflow and, once only, its signing secret. */
export interface CreatedWorkflow extends SavedWorkflow {
  signingSecret: string;
}

export interface VersionSummary {
  version: number;
  createdBy?: string | null;
  createdAt: string;
  published: boolean;
}

export interface WorkflowPage {
  items: SavedWorkflow[];
  total: number;
  page: number;
  pageSize: number;
}

/** One problem of a definition from the server: `{path, code, message}`. */
export interface ServerProblem {
  path: string;
  code?: string;
  message: string;
}

export function emptyDefinition(name = ''): Definition {
  return { name, description: '', category: '', nodes: [], edges: [], variables: [], triggers: [] };
}

/** The definition held by a saved workflow, with the top-level fields filled in. */
export function definitionOf(saved: SavedWorkflow): Definition {
  const d = saved.definition ?? {};
  return {
    name: saved.name,
    description: saved.description ?? d.description ?? '',
    category: saved.category ?? d.category ?? '',
    nodes: (d.nodes ?? []).map((n) => ({ ...n, name: n.name ?? n.id, config: n.config ?? {} })),
    edges: (d.edges ?? []).map((e) => ({ ...e, condition: e.condition ?? null })),
    variables: (d.variables ?? []).map((v) => ({ ...v, type: v.type ?? 'string', required: v.required ?? false, defaultValue: v.defaultValue ?? null })),
    triggers: d.triggers ?? [],
    ...(d.maxConcurrency !== undefined ? { maxConcurrency: d.maxConcurrency } : {}),
  };
}

/** The JSON sent to create, update or validate: empty optional texts are left out. */
export function toRequestBody(def: Definition): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: def.name,
    nodes: def.nodes,
    edges: def.edges,
    variables: def.variables,
    triggers: def.triggers,
  };
  if (def.description) body.description = def.description;
  if (def.category) body.category = def.category;
  if (def.maxConcurrency !== undefined) body.maxConcurrency = def.maxConcurrency;
  return body;
}

export function defaultConfig(type: NodeType): NodeConfig {
  switch (type) {
    case 'query':
      return { datasourceId: '', query: { tables: [] } };
    case 'condition':
      return { expression: '' };
    case 'api':
      return { url: '', method: 'GET' };
    case 'transform':
      return { assign: {} };
    case 'delay':
      return { ms: 1000 };
    case 'end':
      return { output: {} };
  }
}

/** The next free `prefix_N` id. */
export function nextId(prefix: string, taken: Iterable<string>): string {
  let max = 0;
  const re = new RegExp(`^${prefix}_(\\d+)$`);
  for (const id of taken) {
    const m = re.exec(id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `${prefix}_${max + 1}`;
}

export function createNode(def: Definition, type: NodeType, name: string, position: Position): WorkflowNode {
  return { id: nextId('node', def.nodes.map((n) => n.id)), type, name, config: defaultConfig(type), position };
}

export function addNode(def: Definition, node: WorkflowNode): Definition {
  return { ...def, nodes: [...def.nodes, node] };
}

export function updateNode(def: Definition, id: string, patch: Partial<WorkflowNode>): Definition {
  return { ...def, nodes: def.nodes.map((n) => (n.id === id ? { ...n, ...patch } : n)) };
}

export function updateNodeConfig(def: Definition, id: string, patch: NodeConfig): Definition {
  return {
    ...def,
    nodes: def.nodes.map((n) => {
      if (n.id !== id) return n;
      const config: NodeConfig = { ...n.config, ...patch };
      for (const [k, v] of Object.entries(patch)) if (v === undefined) delete config[k];
      return { ...n, config };
    }),
  };
}

export function connect(def: Definition, from: string, to: string, condition: EdgeCondition | null): Definition {
  if (from === to) return def;
  if (def.edges.some((e) => e.from === from && e.to === to && e.condition === condition)) return def;
  const id = nextId('edge', def.edges.map((e) => e.id));
  return { ...def, edges: [...def.edges, { id, from, to, condition }] };
}

export function setEdgeCondition(def: Definition, edgeId: string, condition: EdgeCondition | null): Definition {
  return { ...def, edges: def.edges.map((e) => (e.id === edgeId ? { ...e, condition } : e)) };
}

/** Removes nodes (with their edges) and edges. */
export function removeElements(def: Definition, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): Definition {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  return {
    ...def,
    nodes: def.nodes.filter((n) => !nodes.has(n.id)),
    edges: def.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.from) && !nodes.has(e.to)),
  };
}

/** Which conditions an edge out of a node of this type may carry (null = none). */
export function allowedConditions(type: NodeType): (EdgeCondition | null)[] {
  switch (type) {
    case 'condition':
      return [null, 'true', 'false', 'success', 'failure'];
    case 'query':
    case 'api':
      return [null, 'success', 'failure'];
    case 'transform':
    case 'delay':
      return [null];
    case 'end':
      return [];
  }
}

/** A free spot for a new node: right of `near` (or of the rightmost node), moved down past others. */
export function freePosition(def: Definition, near?: Position): Position {
  const taken = def.nodes.map((n) => n.position).filter((p): p is Position => !!p);
  let pos: Position;
  if (near) pos = { x: near.x + 280, y: near.y };
  else if (taken.length) pos = { x: Math.max(...taken.map((p) => p.x)) + 280, y: Math.min(...taken.map((p) => p.y)) };
  else pos = { x: 40, y: 40 };
  while (taken.some((p) => Math.abs(p.x - pos.x) < 220 && Math.abs(p.y - pos.y) < 100)) pos = { x: pos.x, y: pos.y + 120 };
  return pos;
}
