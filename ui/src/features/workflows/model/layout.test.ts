import { describe, expect, it } from 'vitest';
import { def, edge, node } from './fixtures';
import { LAYER_GAP, layeredLayout } from './layout';

function overlaps(pos: Record<string, { x: number; y: number }>) {
  const list = Object.values(pos);
  return list.some((a, i) => list.some((b, j) => i !== j && Math.abs(a.x - b.x) < 200 && Math.abs(a.y - b.y) < 80));
}

describe('layeredLayout', () => {
  it('puts each node right of its predecessors (longest path)', () => {
    const d = def([node('a'), node('b'), node('c'), node('d')], [edge('1', 'a', 'b'), edge('2', 'b', 'c'), edge('3', 'a', 'c'), edge('4', 'c', 'd')]);
    const pos = layeredLayout(d) as Record<string, { x: number; y: number }>;
    expect(pos.a!.x).toBeLessThan(pos.b!.x);
    expect(pos.c!.x - pos.a!.x).toBe(2 * LAYER_GAP);
    for (const e of d.edges) expect(pos[e.from]!.x).toBeLessThan(pos[e.to]!.x);
    expect(overlaps(pos)).toBe(false);
  });

  it('orders a layer by barycentre to avoid crossings', () => {
    // a1→b2 and a2→b1 cross unless b1 and b2 swap.
    const d = def([node('a1'), node('a2'), node('b1'), node('b2')], [edge('1', 'a1', 'b2'), edge('2', 'a2', 'b1')]);
    const pos = layeredLayout(d) as Record<string, { x: number; y: number }>;
    expect(Math.sign(pos.a1!.y - pos.a2!.y)).toBe(Math.sign(pos.b2!.y - pos.b1!.y));
  });

  it('survives cycles and places every node without overlap', () => {
    const nodes = Array.from({ length: 12 }, (_, i) => node(`n${i}`));
    const edges = [edge('x', 'n0', 'n1'), edge('y', 'n1', 'n2'), edge('z', 'n2', 'n1'), ...nodes.slice(3).map((n, i) => edge(`k${i}`, 'n0', n.id))];
    const pos = layeredLayout(def(nodes, edges));
    expect(Object.keys(pos)).toHaveLength(12);
    expect(overlaps(pos)).toBe(false);
  });
});
