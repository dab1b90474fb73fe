import { describe, expect, it } from 'vitest';
import { copySelection, pasteClip, PASTE_OFFSET } from './clipboard';
import { def, edge, node } from './fixtures';

describe('copy and paste', () => {
  const d = def(
    [{ ...node('node_1'), position: { x: 10, y: 20 } }, { ...node('node_2'), position: { x: 300, y: 20 } }, node('node_3')],
    [edge('edge_1', 'node_1', 'node_2', null), edge('edge_2', 'node_2', 'node_3')],
  );

  it('copies the nodes and only the edges between them', () => {
    const clip = copySelection(d, ['node_1', 'node_2']);
    expect(clip.nodes.map((n) => n.id)).toEqual(['node_1', 'node_2']);
    expect(clip.edges.map((e) => e.id)).toEqual(['edge_1']);
  });

  it('pastes with new ids, rewired edges and offset positions', () => {
    const { definition, pasted } = pasteClip(d, copySelection(d, ['node_1', 'node_2']));
    expect(pasted).toEqual(['node_4', 'node_5']);
    expect(definition.nodes).toHaveLength(5);
    expect(definition.nodes[3]?.position).toEqual({ x: 10 + PASTE_OFFSET, y: 20 + PASTE_OFFSET });
    expect(definition.edges[2]).toEqual({ id: 'edge_3', from: 'node_4', to: 'node_5', condition: null });
    // The originals are untouched.
    expect(definition.nodes[0]).toBe(d.nodes[0]);
  });
});
