import { describe, expect, it } from 'vitest';
import { parseVariableInput, placeholders, substituteVariables } from './variables';

const q = {
  tables: [{ name: '${t}', where: { id: '${id}', username: { $starts: '${prefix}x' }, age: { $between: ['${min}', 9] } }, having: { n: { $gt: '${id}' } } }],
};

describe('template variables', () => {
  it('finds placeholders only in where and having values', () => {
    expect(placeholders(q)).toEqual(['id', 'prefix', 'min']);
    expect(placeholders({ tables: [{ name: 'User' }] })).toEqual([]);
  });
  it('substitutes like the server: whole values keep their type, inner ones are spliced', () => {
    const out = substituteVariables(q, { id: 7, prefix: "a'b", min: 18, t: 'secret' });
    expect(out.tables[0]).toEqual({
      name: '${t}',
      where: { id: 7, username: { $starts: "a'bx" }, age: { $between: [18, 9] } },
      having: { n: { $gt: 7 } },
    });
  });
  it('leaves unknown placeholders alone', () => {
    expect(substituteVariables({ where: { a: '${x}' } }, {})).toEqual({ where: { a: '${x}' } });
  });
  it('parses JSON lists from the variables form', () => {
    expect(parseVariableInput('[1, 2]')).toEqual([1, 2]);
    expect(parseVariableInput('[oops')).toBe('[oops');
    expect(parseVariableInput('42')).toBe('42');
  });
});
