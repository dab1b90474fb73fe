import { describe, expect, it } from 'vitest';
import { def, edge, node } from './fixtures';
import { allowedConditions, connect, createNode, definitionOf, freePosition, removeElements, toRequestBody, updateNodeConfig, type SavedWorkflow } from './types';

describe('definition edits', () => {
  it('creates nodes with the next free id and default config', () => {
    const d = def([node('node_1'), node('node_7')]);
    expect(createNode(d, 'api', 'Pay', { x: 1, y: 2 })).toEqual({ id: 'node_8', type: 'api', name: 'Pay', config: { url: '', method: 'GET' }, position: { x: 1, y: 2 } });
  });

  it('connects once per pair and condition, never a node to itself', () => {
    let d = def([node('a'), node('b')]);
    d = connect(d, 'a', 'b', null);
    expect(connect(d, 'a', 'b', null)).toBe(d);
    expect(connect(d, 'a', 'a', null)).toBe(d);
    expect(connect(d, 'a', 'b', 'success').edges.map((e) => e.id)).toEqual(['edge_1', 'edge_2']);
  });

  it('removes nodes with their edges, and drops config fields set to undefined', () => {
    const d = def([node('a'), node('b'), node('c')], [edge('e1', 'a', 'b'), edge('e2', 'b', 'c'), edge('e3', 'a', 'c')]);
    expect(removeElements(d, ['b']).edges.map((e) => e.id)).toEqual(['e3']);
    expect(removeElements(d, [], ['e3']).edges.map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(updateNodeConfig(d, 'a', { ms: undefined, x: 1 }).nodes[0]!.config).toEqual({ x: 1 });
  });

  it('knows which conditions each source allows', () => {
    expect(allowedConditions('condition')).toContain('false');
    expect(allowedConditions('api')).toEqual([null, 'success', 'failure']);
    expect(allowedConditions('delay')).toEqual([null]);
    expect(allowedConditions('end')).toEqual([]);
  });

  it('finds a free spot for a new node', () => {
    const d = def([{ ...node('a'), position: { x: 40, y: 40 } }, { ...node('b'), position: { x: 320, y: 40 } }]);
    expect(freePosition(def([]))).toEqual({ x: 40, y: 40 });
    expect(freePosition(d, { x: 40, y: 40 })).toEqual({ x: 320, y: 160 });
    expect(freePosition(d)).toEqual({ x: 600, y: 40 });
  });

  it('reads a saved workflow and writes the request body', () => {
    const saved = {
      id: 'wf_1',
      name: 'W',
      description: null,
      category: 'Orders',
      definition: { nodes: [{ id: 'n', type: 'end', config: {} }], edges: [{ id: 'e', from: 'n', to: 'n' }], variables: [{ name: 'v' }] },
    } as unknown as SavedWorkflow;
    const d = definitionOf(saved);
    expect(d.edges[0]!.condition).toBeNull();
    expect(d.variables[0]).toEqual({ name: 'v', type: 'string', required: false, defaultValue: null });
    expect(d.nodes[0]!.name).toBe('n');
    expect(toRequestBody(d)).toEqual({ name: 'W', category: 'Orders', nodes: d.nodes, edges: d.edges, variables: d.variables, triggers: [] });
  });
});
