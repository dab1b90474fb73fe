import { describe, expect, it } from 'vitest';
import { buildRunInput } from './runInput';
import type { Variable } from './types';

const v = (name: string, type: Variable['type'], required = false, defaultValue: unknown = null): Variable => ({ name, type, required, defaultValue });

describe('buildRunInput', () => {
  it('converts each value to its variable type', () => {
    const r = buildRunInput([v('s', 'string'), v('n', 'number'), v('b', 'boolean'), v('o', 'object'), v('a', 'array')], {
      s: 'x',
      n: '2.5',
      b: true,
      o: '{"k":1}',
      a: '[1]',
    });
    expect(r).toEqual({ input: { s: 'x', n: 2.5, b: true, o: { k: 1 }, a: [1] }, errors: {} });
  });

  it('reports missing required values and bad JSON or numbers', () => {
    const r = buildRunInput([v('req', 'string', true), v('withDefault', 'string', true, 'd'), v('i', 'integer'), v('o', 'object'), v('a', 'array')], {
      i: '1.5',
      o: '{',
      a: '{}',
    });
    expect(r.errors).toEqual({ req: 'wf.run.required', i: 'wf.run.badNumber', o: 'wf.run.badJson', a: 'wf.run.notArray' });
  });
});
