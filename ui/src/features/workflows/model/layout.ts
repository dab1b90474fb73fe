// A layered left-to-right layout: longest-path layers from the start nodes, then a few sweeps of
// barycentre ordering to reduce crossings. Edges closing a cycle are ignored for layering.
import type { Definition, Position } from './types';

export const LAYER_GAP = 280;
export const ROW_GAP = 120;

export function layeredLayout(def: Definition): Record<string, Position> {
  const ids = def.nodes.map((n) => n.id);
  const known = new Set(ids);
  const edges = def.edges.filter((e) => known.has(e.from) && known.has(e.to) && e.from !== e.to);

  // Drop back edges found by a depth-first search so the rest is acyclic.
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) out.get(e.from)!.push(e.to);
  const state = new Map<string, 1 | 2>();
  const dag: [string, string][] = [];
  const visit = (id: string) => {
    state.set(id, 1);
    for (const next of out.get(id)!) {
      if (state.get(next) === 1) continue;
      dag.push([id, next]);
      if (!state.has(next)) visit(next);
    }
    state.set(id, 2);
  };
  const incoming = new Set(edges.map((e) => e.to));
  for (const id of [...ids.filter((id) => !incoming.has(id)), ...ids]) if (!state.has(id)) visit(id);

  // Longest path from a source, in topological order.
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  const succs = new Map<string, string[]>(ids.map((id) => [id, []]));
  const indeg = new Map(ids.map((id) => [id, 0]));
  for (const [a, b] of dag) {
    preds.get(b)!.push(a);
    succs.get(a)!.push(b);
    indeg.set(b, indeg.get(b)! + 1);
  }
  const layer = new Map(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => indeg.get(id) === 0);
  while (queue.length) {
    const id = queue.shift()!;
    for (const next of succs.get(id)!) {
      layer.set(next, Math.max(layer.get(next)!, layer.get(id)! + 1));
      indeg.set(next, indeg.get(next)! - 1);
      if (indeg.get(next) === 0) queue.push(next);
    }
  }

  const layers: string[][] = [];
  for (const id of ids) (layers[layer.get(id)!] ??= []).push(id);
  const order = new Map<string, number>();
  const renumber = (l: string[]) => l.forEach((id, i) => order.set(id, i));
  layers.forEach((l) => l && renumber(l));
  const bary = (id: string, near: Map<string, string[]>) => {
    const ns = near.get(id)!;
    return ns.length ? ns.reduce((s, n) => s + order.get(n)!, 0) / ns.length : order.get(id)!;
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    const down = sweep % 2 === 0;
    const range = down ? layers.map((_, i) => i).slice(1) : layers.map((_, i) => i).reverse().slice(1);
    for (const i of range) {
      const l = layers[i];
      if (!l) continue;
      const near = down ? preds : succs;
      const keyed = l.map((id) => [id, bary(id, near)] as const);
      keyed.sort((a, b) => a[1] - b[1]);
      layers[i] = keyed.map(([id]) => id);
      renumber(layers[i]);
    }
  }

  const positions: Record<string, Position> = {};
  layers.forEach((l, i) => l?.forEach((id, j) => (positions[id] = { x: 40 + i * LAYER_GAP, y: 40 + j * ROW_GAP })));
  return positions;
}

export function applyLayout(def: Definition): Definition {
  const pos = layeredLayout(def);
  return { ...def, nodes: def.nodes.map((n) => ({ ...n, position: pos[n.id] })) };
}
