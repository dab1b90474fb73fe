// Client-side checks mirroring docs/workflows.md, and the mapping of the server's problem paths
// (`nodes[2].config.url`) to the element they concern. The server's list is authoritative; the
// designer shows both.
import { allowedConditions, type Definition, type ServerProblem } from './types';

export type ProblemTarget =
  | { kind: 'node'; id: string }
  | { kind: 'edge'; id: string }
  | { kind: 'variable'; index: number }
  | { kind: 'trigger'; index: number }
  | { kind: 'workflow' };

export interface Problem {
  target: ProblemTarget;
  /** A message key (`wf.problem.<code>`) for client problems, the server's code otherwise. */
  code: string;
  params?: Record<string, string | number>;
  /** The server's message (client problems are translated from `code`). */
  message?: string;
  /** The server's path, when the problem came from it. */
  path?: string;
  source: 'client' | 'server';
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function hasText(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

/** Nodes in a cycle (Kahn's algorithm: those never freed). */
export function nodesInCycles(def: Definition): Set<string> {
  const indeg = new Map(def.nodes.map((n) => [n.id, 0]));
  const out = new Map<string, string[]>(def.nodes.map((n) => [n.id, []]));
  for (const e of def.edges) {
    if (!indeg.has(e.from) || !indeg.has(e.to)) continue;
    indeg.set(e.to, (indeg.get(e.to) ?? 0) + 1);
    out.get(e.from)!.push(e.to);
  }
  const queue = [...indeg].filter(([, d]) => d === 0).map(([id]) => id);
  while (queue.length) {
    const id = queue.shift()!;
    for (const next of out.get(id) ?? []) {
      const d = (indeg.get(next) ?? 0) - 1;
      indeg.set(next, d);
      if (d === 0) queue.push(next);
    }
  }
  return new Set([...indeg].filter(([, d]) => d > 0).map(([id]) => id));
}

/** Nodes reachable from a start node (one without incoming edges). */
export function reachableNodes(def: Definition): Set<string> {
  const hasIncoming = new Set(def.edges.map((e) => e.to));
  const seen = new Set<string>();
  const stack = def.nodes.filter((n) => !hasIncoming.has(n.id)).map((n) => n.id);
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of def.edges) if (e.from === id) stack.push(e.to);
  }
  return seen;
}

export function validateDefinition(def: Definition): Problem[] {
  const problems: Problem[] = [];
  const add = (target: ProblemTarget, code: string, params?: Record<string, string | number>) =>
    problems.push({ target, code, params, source: 'client' });

  if (!hasText(def.name)) add({ kind: 'workflow' }, 'nameRequired');
  if (def.nodes.length === 0) add({ kind: 'workflow' }, 'noNodes');

  const seenIds = new Set<string>();
  const byId = new Map<string, Definition['nodes'][number]>();
  for (const n of def.nodes) if (!byId.has(n.id)) byId.set(n.id, n);
  for (const n of def.nodes) {
    const target = { kind: 'node', id: n.id } as const;
    if (seenIds.has(n.id)) add(target, 'duplicateId', { id: n.id });
    seenIds.add(n.id);
    const c = n.config;
    switch (n.type) {
      case 'query':
        if (!hasText(c.datasourceId)) add(target, 'datasourceRequired');
        if (c.query === undefined && !hasText(c.model)) add(target, 'queryOrModel');
        break;
      case 'condition':
        if (!hasText(c.expression) && !hasText(c.condition)) add(target, 'expressionRequired');
        break;
      case 'api':
        if (!hasText(c.url)) add(target, 'urlRequired');
        break;
      case 'delay':
        if (typeof c.ms !== 'number' || c.ms < 0) add(target, 'msRequired');
        break;
      default:
        break;
    }
    if (n.type === 'query' || n.type === 'api') {
      const retry = c.retry as { maxAttempts?: unknown } | undefined;
      if (retry && typeof retry.maxAttempts === 'number' && (retry.maxAttempts < 1 || retry.maxAttempts > 20)) add(target, 'maxAttempts');
    }
  }

  const edgeIds = new Set<string>();
  for (const e of def.edges) {
    const target = { kind: 'edge', id: e.id } as const;
    if (edgeIds.has(e.id)) add(target, 'duplicateId', { id: e.id });
    edgeIds.add(e.id);
    const from = byId.get(e.from);
    if (!from) add(target, 'unknownFrom', { id: e.from });
    if (!byId.has(e.to)) add(target, 'unknownTo', { id: e.to });
    if (!from) continue;
    if (from.type === 'end') add({ kind: 'node', id: from.id }, 'endOutgoing');
    else if (!allowedConditions(from.type).includes(e.condition)) add(target, 'conditionNotAllowed', { condition: e.condition ?? '', type: from.type });
  }

  for (const id of nodesInCycles(def)) add({ kind: 'node', id }, 'cycle');
  if (def.nodes.length > 0) {
    const reachable = reachableNodes(def);
    const cyclic = nodesInCycles(def);
    for (const n of def.nodes) if (!reachable.has(n.id) && !cyclic.has(n.id)) add({ kind: 'node', id: n.id }, 'unreachable');
  }

  const names = new Set<string>();
  def.variables.forEach((v, index) => {
    const target = { kind: 'variable', index } as const;
    if (!NAME_RE.test(v.name)) add(target, 'variableName', { name: v.name });
    else if (v.name === 'input') add(target, 'variableReserved');
    else if (names.has(v.name)) add(target, 'variableDuplicate', { name: v.name });
    names.add(v.name);
  });

  def.triggers.forEach((tr, index) => {
    if (tr.type === 'schedule' && !hasText(tr.config?.cron)) add({ kind: 'trigger', index }, 'cronRequired');
  });
  return problems;
}

const PATH_RE = /^(nodes|edges|variables|triggers)\[(\d+)\]/;

/** Maps the server's problem to the element of the definition that was sent. */
export function targetOfPath(def: Definition, path: string): ProblemTarget {
  const m = PATH_RE.exec(path);
  if (!m) return { kind: 'workflow' };
  const index = Number(m[2]);
  switch (m[1]) {
    case 'nodes': {
      const node = def.nodes[index];
      return node ? { kind: 'node', id: node.id } : { kind: 'workflow' };
    }
    case 'edges': {
      const edge = def.edges[index];
      return edge ? { kind: 'edge', id: edge.id } : { kind: 'workflow' };
    }
    case 'variables':
      return { kind: 'variable', index };
    default:
      return { kind: 'trigger', index };
  }
}

export function serverProblems(def: Definition, found: readonly ServerProblem[]): Problem[] {
  return found.map((p) => ({ target: targetOfPath(def, p.path), code: p.code ?? 'invalid', message: p.message, path: p.path, source: 'server' }));
}

export function problemsFor(problems: readonly Problem[], target: ProblemTarget): Problem[] {
  return problems.filter((p) => {
    if (p.target.kind !== target.kind) return false;
    if (p.target.kind === 'node' || p.target.kind === 'edge') return p.target.id === (target as { id: string }).id;
    if (p.target.kind === 'variable' || p.target.kind === 'trigger') return p.target.index === (target as { index: number }).index;
    return true;
  });
}
