// Copy and paste of selected nodes: the copies get new ids, keep the edges between them, and are
// offset so they do not cover the originals.
import { nextId, type Definition, type WorkflowEdge, type WorkflowNode } from './types';

export interface Clip {
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

export const PASTE_OFFSET = 40;

export function copySelection(def: Definition, nodeIds: Iterable<string>): Clip {
  const ids = new Set(nodeIds);
  return {
    nodes: structuredClone(def.nodes.filter((n) => ids.has(n.id))),
    edges: structuredClone(def.edges.filter((e) => ids.has(e.from) && ids.has(e.to))),
  };
}

/** Pastes a clip; answers the new definition and the ids of the pasted nodes. */
export function pasteClip(def: Definition, clip: Clip, offset = PASTE_OFFSET): { definition: Definition; pasted: string[] } {
  const nodeIds = def.nodes.map((n) => n.id);
  const edgeIds = def.edges.map((e) => e.id);
  const renamed = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = nextId('node', nodeIds);
    nodeIds.push(id);
    renamed.set(n.id, id);
    const position = n.position ? { x: n.position.x + offset, y: n.position.y + offset } : undefined;
    return { ...structuredClone(n), id, ...(position ? { position } : {}) };
  });
  const edges = clip.edges.map((e) => {
    const id = nextId('edge', edgeIds);
    edgeIds.push(id);
    return { ...e, id, from: renamed.get(e.from)!, to: renamed.get(e.to)! };
  });
  return { definition: { ...def, nodes: [...def.nodes, ...nodes], edges: [...def.edges, ...edges] }, pasted: nodes.map((n) => n.id) };
}
