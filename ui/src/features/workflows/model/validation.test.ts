import { describe, expect, it } from 'vitest';
import { def, edge, node } from './fixtures';
import { problemsFor, serverProblems, targetOfPath, validateDefinition } from './validation';

const codes = (d: ReturnType<typeof def>) => validateDefinition(d).map((p) => `${p.target.kind}:${'id' in p.target ? p.target.id : 'index' in p.target ? p.target.index : ''}:${p.code}`);

describe('validateDefinition', () => {
  it('accepts the documented example shape', () => {
    const d = def(
      [
        node('node_1', 'query', { datasourceId: 'ds', output: 'order', query: { tables: [] } }),
        node('node_2', 'condition', { expression: '${order.stock} > 0' }),
        node('node_3', 'api', { url: 'https://x', method: 'POST' }),
      ],
      [edge('edge_1', 'node_1', 'node_2'), edge('edge_2', 'node_2', 'node_3', 'true')],
      { variables: [{ name: 'orderId', type: 'string', required: true, defaultValue: null }] },
    );
    expect(validateDefinition(d)).toEqual([]);
  });

  it('finds cycles, and does not also call cyclic nodes unreachable', () => {
    const d = def([node('a'), node('b'), node('c')], [edge('e1', 'a', 'b'), edge('e2', 'b', 'c'), edge('e3', 'c', 'b')]);
    expect(codes(d)).toEqual(['node:b:cycle', 'node:c:cycle']);
  });

  it('finds nodes unreachable from a start node', () => {
    const d = def([node('a'), node('b'), node('c'), node('d')], [edge('e1', 'a', 'b'), edge('e2', 'c', 'd'), edge('e3', 'd', 'c')]);
    expect(codes(d)).toContain('node:c:cycle');
    const d2 = def([node('a'), node('b')], [edge('e1', 'b', 'b')]);
    expect(codes(d2)).toContain('node:b:cycle');
  });

  it('checks conditions allowed per source type', () => {
    const d = def(
      [node('q', 'query', { datasourceId: 'd', query: {} }), node('t', 'transform', { assign: {} }), node('x'), node('y')],
      [edge('e1', 'q', 't', 'true'), edge('e2', 't', 'x', 'success'), edge('e3', 'q', 'y', 'failure')],
    );
    expect(codes(d)).toEqual(['edge:e1:conditionNotAllowed', 'edge:e2:conditionNotAllowed']);
  });

  it('refuses outgoing edges from an end node, duplicate ids and missing config', () => {
    const d = def([node('a', 'end', { output: {} }), node('a'), node('c', 'api', { url: '' }), node('q', 'query', {})], [edge('e1', 'a', 'c')]);
    const found = codes(d);
    expect(found).toContain('node:a:endOutgoing');
    expect(found).toContain('node:a:duplicateId');
    expect(found).toContain('node:c:urlRequired');
    expect(found).toContain('node:q:datasourceRequired');
    expect(found).toContain('node:q:queryOrModel');
  });

  it('checks variable names and schedule crons', () => {
    const d = def([node('a')], [], {
      variables: [
        { name: '1x', type: 'string', required: false, defaultValue: null },
        { name: 'input', type: 'string', required: false, defaultValue: null },
        { name: 'ok', type: 'string', required: false, defaultValue: null },
        { name: 'ok', type: 'number', required: false, defaultValue: null },
      ],
      triggers: [{ type: 'manual' }, { type: 'schedule', config: { cron: '' } }],
    });
    expect(codes(d)).toEqual(['variable:0:variableName', 'variable:1:variableReserved', 'variable:3:variableDuplicate', 'trigger:1:cronRequired']);
  });

  it('needs a name and a node', () => {
    expect(codes(def([], [], { name: ' ' }))).toEqual(['workflow::nameRequired', 'workflow::noNodes']);
  });
});

describe('server problem paths', () => {
  const d = def([node('n1'), node('n2'), node('n3')], [edge('e1', 'n1', 'n2'), edge('e2', 'n2', 'n3')]);

  it('maps each path to the element it concerns', () => {
    expect(targetOfPath(d, 'nodes[2].config.url')).toEqual({ kind: 'node', id: 'n3' });
    expect(targetOfPath(d, 'edges[1].to')).toEqual({ kind: 'edge', id: 'e2' });
    expect(targetOfPath(d, 'variables[0].name')).toEqual({ kind: 'variable', index: 0 });
    expect(targetOfPath(d, 'triggers[1].config.cron')).toEqual({ kind: 'trigger', index: 1 });
    expect(targetOfPath(d, 'name')).toEqual({ kind: 'workflow' });
    expect(targetOfPath(d, 'nodes[9].name')).toEqual({ kind: 'workflow' });
  });

  it('keeps the message and path, and filters per element', () => {
    const found = serverProblems(d, [
      { path: 'nodes[1].config.expression', code: 'unknown', message: 'did you mean order?' },
      { path: 'edges[0].condition', message: 'bad' },
    ]);
    expect(problemsFor(found, { kind: 'node', id: 'n2' })).toEqual([
      { target: { kind: 'node', id: 'n2' }, code: 'unknown', message: 'did you mean order?', path: 'nodes[1].config.expression', source: 'server' },
    ]);
    expect(problemsFor(found, { kind: 'edge', id: 'e1' })).toHaveLength(1);
    expect(problemsFor(found, { kind: 'node', id: 'n1' })).toHaveLength(0);
  });
});
