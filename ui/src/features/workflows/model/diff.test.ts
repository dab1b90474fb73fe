import { describe, expect, it } from 'vitest';
import { diffDefinitions, isEmptyDiff } from './diff';
import { def, edge, node } from './fixtures';

describe('diffDefinitions', () => {
  it('lists added, removed and changed elements, ignoring moves', () => {
    const a = def([node('a'), node('b'), { ...node('c'), position: { x: 1, y: 1 } }], [edge('e1', 'a', 'b')], {
      variables: [{ name: 'x', type: 'string', required: false, defaultValue: null }],
    });
    const b = def([node('a', 'delay', { ms: 5 }), { ...node('c'), position: { x: 9, y: 9 } }, node('d')], [edge('e1', 'a', 'b', 'success')], {
      triggers: [{ type: 'manual' }],
    });
    const d = diffDefinitions(a, b);
    expect(d.nodes).toEqual({ added: ['d'], removed: ['b'], changed: ['a'] });
    expect(d.edges).toEqual({ added: [], removed: [], changed: ['e1'] });
    expect(d.variables.removed).toEqual(['x']);
    expect(d.triggers.added).toEqual(['trigger_1']);
    expect(isEmptyDiff(d)).toBe(false);
    expect(isEmptyDiff(diffDefinitions(a, a))).toBe(true);
  });
});
