import { describe, expect, it } from 'vitest';
import { def, edge, node } from './fixtures';
import { toFlowEdges, toFlowNodes, withPositions } from './flow';

describe('flow conversion', () => {
  const d = def([{ ...node('a'), position: { x: 5, y: 6 } }, node('b', 'api', { url: 'x' })], [edge('e1', 'a', 'b', 'success')]);

  it('keeps saved positions, lays out the rest, and carries status, problems and selection', () => {
    const nodes = toFlowNodes(d, { status: { a: 'running' }, problems: { b: 2 }, selected: new Set(['b']) });
    expect(nodes[0]).toMatchObject({ id: 'a', type: 'workflow', position: { x: 5, y: 6 }, selected: false, data: { nodeType: 'delay', status: 'running', problemCount: 0 } });
    expect(nodes[1]).toMatchObject({ id: 'b', selected: true, data: { nodeType: 'api', problemCount: 2 } });
    expect(nodes[1]!.position.x).toBeGreaterThan(0);
  });

  it('labels edges with their condition', () => {
    expect(toFlowEdges(d, new Set(['e1']))).toEqual([{ id: 'e1', source: 'a', target: 'b', label: 'success', selected: true, data: { condition: 'success' } }]);
  });

  it('writes moved positions back, rounded', () => {
    const moved = withPositions(d, { b: { x: 10.4, y: 20.6 } });
    expect(moved.nodes[1]!.position).toEqual({ x: 10, y: 21 });
    expect(moved.nodes[0]).toBe(d.nodes[0]);
  });
});
