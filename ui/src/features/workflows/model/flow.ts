// Conversion between the definition and @xyflow/react's nodes and edges. Positions live in the
// definition (`position`); nodes without one are placed by the layered layout.
import type { Edge, Node } from '@xyflow/react';
import { layeredLayout } from './layout';
import type { Definition, NodeType, Position } from './types';

export interface FlowNodeData extends Record<string, unknown> {
  nodeType: NodeType;
  name: string;
  status?: string;
  problemCount: number;
}

export type FlowNode = Node<FlowNodeData, 'workflow'>;

export function toFlowNodes(
  def: Definition,
  extra: { status?: Record<string, string>; problems?: Record<string, number>; selected?: ReadonlySet<string> } = {},
): FlowNode[] {
  const missing = def.nodes.some((n) => !n.position);
  const auto = missing ? layeredLayout(def) : {};
  return def.nodes.map((n) => ({
    id: n.id,
    type: 'workflow',
    position: n.position ?? auto[n.id] ?? { x: 0, y: 0 },
    selected: extra.selected?.has(n.id) ?? false,
    data: { nodeType: n.type, name: n.name, status: extra.status?.[n.id], problemCount: extra.problems?.[n.id] ?? 0 },
  }));
}

export function toFlowEdges(def: Definition, selected?: ReadonlySet<string>): Edge[] {
  return def.edges.map((e) => ({
    id: e.id,
    source: e.from,
    target: e.to,
    label: e.condition ?? undefined,
    selected: selected?.has(e.id) ?? false,
    data: { condition: e.condition },
  }));
}

/** Writes moved positions back into the definition. */
export function withPositions(def: Definition, moved: Record<string, Position>): Definition {
  return { ...def, nodes: def.nodes.map((n) => {
      const p = moved[n.id];
      return p ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } } : n;
    }) };
}
