import { describe, expect, it } from 'vitest';
import { completionNames, openPlaceholder } from './completion';
import { def, edge, node } from './fixtures';

describe('completionNames', () => {
  const d = def(
    [
      node('q', 'query', { datasourceId: 'd', output: 'order', query: {} }),
      node('a', 'api', { url: 'x' }),
      node('t', 'transform', { assign: { total: '1', vip: 'true' }, output: 'calc' }),
      node('c', 'condition', { expression: '' }),
      node('side', 'query', { datasourceId: 'd', output: 'other', query: {} }),
    ],
    [edge('1', 'q', 'a'), edge('2', 'a', 't'), edge('3', 't', 'c'), edge('4', 'side', 'q')],
    { variables: [{ name: 'orderId', type: 'string', required: true, defaultValue: null }] },
  );

  it('offers variables, input and the outputs bound upstream only', () => {
    expect(completionNames(d, 'c').map((n) => n.name)).toEqual(['orderId', 'input', 'order', 'a', 'total', 'vip', 'calc', 'other']);
    expect(completionNames(d, 'a').map((n) => n.name)).toEqual(['orderId', 'input', 'order', 'other']);
    expect(completionNames(d, 'side').map((n) => n.name)).toEqual(['orderId', 'input']);
  });

  it('detects an open placeholder before the caret', () => {
    expect(openPlaceholder('${ord')).toBe('ord');
    expect(openPlaceholder('x > ${')).toBe('');
    expect(openPlaceholder('${order} > 1')).toBeNull();
  });
});
