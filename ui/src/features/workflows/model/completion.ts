// The names an expression in a node may read (docs/workflows.md, "Names an expression can read"):
// the variables, `input`, and the names bound by the nodes from which an edge path leads to it.
import type { Definition, WorkflowNode } from './types';

export interface CompletionName {
  name: string;
  kind: 'variable' | 'input' | 'output';
  /** The node binding it, for outputs. */
  nodeId?: string;
}

/** The nodes from which an edge path leads to `nodeId`. */
export function upstreamOf(def: Definition, nodeId: string): Set<string> {
  const seen = new Set<string>();
  const stack = [nodeId];
  while (stack.length) {
    const id = stack.pop()!;
    for (const e of def.edges) {
      if (e.to === id && !seen.has(e.from)) {
        seen.add(e.from);
        stack.push(e.from);
      }
    }
  }
  seen.delete(nodeId);
  return seen;
}

function outputName(node: WorkflowNode): string {
  const out = node.config.output;
  return typeof out === 'string' && out.trim() ? out.trim() : node.id;
}

/** The names a node binds for the nodes after it. */
export function boundNames(node: WorkflowNode): string[] {
  switch (node.type) {
    case 'query':
    case 'api':
      return [outputName(node)];
    case 'transform': {
      const assign = node.config.assign;
      const names = assign && typeof assign === 'object' ? Object.keys(assign as object) : [];
      return [...names, outputName(node)];
    }
    default:
      return [];
  }
}

export function completionNames(def: Definition, nodeId: string): CompletionName[] {
  const names: CompletionName[] = def.variables.filter((v) => v.name).map((v) => ({ name: v.name, kind: 'variable' }));
  names.push({ name: 'input', kind: 'input' });
  const upstream = upstreamOf(def, nodeId);
  const seen = new Set(names.map((n) => n.name));
  for (const node of def.nodes) {
    if (!upstream.has(node.id)) continue;
    for (const name of boundNames(node)) {
      if (seen.has(name)) continue;
      seen.add(name);
      names.push({ name, kind: 'output', nodeId: node.id });
    }
  }
  return names;
}

/** When the text before the caret ends in an open `${prefix`, the prefix typed so far. */
export function openPlaceholder(textBeforeCaret: string): string | null {
  const m = /\$\{([A-Za-z0-9_.]*)$/.exec(textBeforeCaret);
  return m ? (m[1] ?? '') : null;
}
