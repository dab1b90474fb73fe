// Small definitions for the model's tests.
import type { Definition, WorkflowEdge, WorkflowNode } from './types';

export function node(id: string, type: WorkflowNode['type'] = 'delay', config: WorkflowNode['config'] = { ms: 1 }): WorkflowNode {
  return { id, type, name: id, config };
}

export function edge(id: string, from: string, to: string, condition: WorkflowEdge['condition'] = null): WorkflowEdge {
  return { id, from, to, condition };
}

export function def(nodes: WorkflowNode[], edges: WorkflowEdge[] = [], extra: Partial<Definition> = {}): Definition {
  return { name: 'wf', nodes, edges, variables: [], triggers: [], ...extra };
}
