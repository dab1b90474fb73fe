// The canvas: @xyflow/react over the definition. Positions, connections, deletions and the
// selection are written back through the designer (so undo sees them).
import {
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type NodeTypes,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { useAppSelector } from '../../../app/hooks';
import { useT } from '../../../i18n';
import { toFlowEdges, toFlowNodes, withPositions, type FlowNode } from '../model/flow';
import { connect, NODE_TYPES, type NodeType, type Position } from '../model/types';
import { NodeCard } from './NodeCard';
import { DRAG_TYPE } from './Palette';
import type { Designer } from './useDesigner';

const nodeTypes: NodeTypes = { workflow: NodeCard };

export interface CanvasProps {
  designer: Designer;
  readOnly: boolean;
  status: Record<string, string>;
  problemCounts: Record<string, number>;
  onAdd: (type: NodeType, position: Position) => void;
  onNodeClicked?: (id: string) => void;
  /** A change of this value fits the graph into view (the page passes the open execution). */
  fitKey?: string;
}

export function Canvas({ designer, readOnly, status, problemCounts, onAdd, onNodeClicked, fitKey }: CanvasProps) {
  const t = useT();
  const flow = useReactFlow();
  const theme = useAppSelector((state) => state.app.theme);
  const { definition, selection } = designer;
  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const [nodes, setNodes] = useState<FlowNode[]>([]);
  const dragCount = useRef(0);
  // When the execution panel opens or closes (the canvas changes height), the whole graph is
  // fitted again once the layout has settled, so no node of a running workflow is out of sight.
  // Only then: refitting on every resize would move nodes under the user's pointer.
  useEffect(() => {
    if (fitKey === undefined) return;
    const timer = setTimeout(() => void flow.fitView({ padding: 0.15, duration: 200 }), 60);
    return () => clearTimeout(timer);
  }, [fitKey, flow]);

  // Rebuilt from the definition, keeping what React Flow measured.
  useEffect(() => {
    setNodes((prev) => {
      const byId = new Map(prev.map((n) => [n.id, n]));
      return toFlowNodes(definition, { status, problems: problemCounts, selected: selectedNodes }).map((n) => {
        const old = byId.get(n.id);
        return old ? { ...old, ...n, measured: old.measured, width: old.width, height: old.height } : n;
      });
    });
  }, [definition, status, problemCounts, selectedNodes]);

  const edges = useMemo(() => toFlowEdges(definition, selection.edge ? new Set([selection.edge]) : undefined), [definition, selection.edge]);

  const onNodesChange = (changes: NodeChange<FlowNode>[]) => {
    setNodes((prev) => applyNodeChanges(changes, prev));
    const moved: Record<string, Position> = {};
    for (const c of changes) if (c.type === 'position' && c.position) moved[c.id] = c.position;
    if (Object.keys(moved).length && !readOnly) designer.change((d) => withPositions(d, moved), `move:${dragCount.current}`);
    const picks = changes.filter((c) => c.type === 'select');
    // Applied to the selection as it is by then: one click can arrive as two calls (the others
    // unselected, then this one selected) before React renders again.
    if (picks.length) {
      designer.select((current) => {
        const next = new Set(current.nodes);
        for (const c of picks) if (c.type === 'select') (c.selected ? next.add(c.id) : next.delete(c.id));
        return { nodes: [...next], edge: next.size ? undefined : current.edge };
      });
    }
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    for (const c of changes) {
      if (c.type === 'select' && c.selected) designer.select({ nodes: [], edge: c.id });
      if (c.type === 'select' && !c.selected) designer.select((current) => (current.edge === c.id ? { nodes: current.nodes } : current));
    }
  };
  const onConnect = (c: Connection) => {
    if (!readOnly && c.source && c.target) designer.change((d) => connect(d, c.source, c.target, null));
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const type = e.dataTransfer.getData(DRAG_TYPE) as NodeType;
    if (readOnly || !NODE_TYPES.includes(type)) return;
    onAdd(type, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (target.closest('input, textarea, select, [contenteditable="true"]')) return;
    const mod = e.ctrlKey || e.metaKey;
    if (!mod || readOnly) return;
    const key = e.key.toLowerCase();
    if (key === 'z' && !e.shiftKey) designer.undo();
    else if (key === 'y' || (key === 'z' && e.shiftKey)) designer.redo();
    else if (key === 'c') designer.copy();
    else if (key === 'v') designer.paste();
    else return;
    e.preventDefault();
  };

  return (
    <div className="wf-canvas" data-testid="wf-canvas" tabIndex={0} onKeyDown={onKeyDown} aria-label={t('wf.canvas')}>
      <ReactFlow<FlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodeDragStart={() => (dragCount.current += 1)}
        // A plain click selects exactly the clicked node, whatever React Flow's own selection
        // bookkeeping reported before it (under load its changes can lag the controlled nodes);
        // Shift/Ctrl/Cmd keep adding to the selection as React Flow does.
        onNodeClick={(e, node) => {
          if (!(e.shiftKey || e.ctrlKey || e.metaKey)) designer.select({ nodes: [node.id] });
          onNodeClicked?.(node.id);
        }}
        onEdgeClick={(_, edge) => designer.select({ nodes: [], edge: edge.id })}
        onPaneClick={() => designer.select({ nodes: [] })}
        onDelete={({ nodes: gone, edges: goneEdges }) => {
          if (readOnly) return;
          designer.change((d) => ({
            ...d,
            nodes: d.nodes.filter((n) => !gone.some((g) => g.id === n.id)),
            edges: d.edges.filter((x) => !goneEdges.some((g) => g.id === x.id) && !gone.some((g) => g.id === x.from || g.id === x.to)),
          }));
          designer.select({ nodes: [] });
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'move';
        }}
        onDrop={onDrop}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        fitView
        colorMode={theme === 'dark' ? 'dark' : 'light'}
        proOptions={{ hideAttribution: true }}
      >
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable />
        <Background />
      </ReactFlow>
    </div>
  );
}
