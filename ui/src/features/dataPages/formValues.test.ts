import { describe, expect, it } from 'vitest';
import { coerceValue, CoercionError, inputKindOf, toFormValue, toInput } from './formValues';
import type { ModelField } from './introspection';

const f = (name: string, type: string): ModelField => ({ name, type, nonNull: false, isList: false });

describe('coerceValue', () => {
  it('keeps Long and BigDecimal as exact strings', () => {
    expect(coerceValue(f('id', 'Long'), ' 9007199254740993 ')).toBe('9007199254740993');
    expect(coerceValue(f('amount', 'BigDecimal'), '12345678901234567.89')).toBe('12345678901234567.89');
    expect(coerceValue(f('amount', 'Money'), '-0.5')).toBe('-0.5');
  });

  it('turns Int and Float into numbers', () => {
    expect(coerceValue(f('n', 'Int'), '42')).toBe(42);
    expect(coerceValue(f('n', 'Short'), '-3')).toBe(-3);
    expect(coerceValue(f('x', 'Float'), '1.5e3')).toBe(1500);
  });

  it('refuses what does not fit', () => {
    expect(() => coerceValue(f('n', 'Int'), '4.2')).toThrow(CoercionError);
    expect(() => coerceValue(f('n', 'Int'), '99999999999999999')).toThrow(CoercionError);
    expect(() => coerceValue(f('n', 'Long'), '12a')).toThrow(CoercionError);
    expect(() => coerceValue(f('n', 'BigDecimal'), '1,5')).toThrow(CoercionError);
    expect(() => coerceValue(f('x', 'Float'), 'Infinity')).toThrow(CoercionError);
    expect(() => coerceValue(f('m', 'Map'), '{bad')).toThrow(CoercionError);
  });

  it('handles booleans, dates, JSON and emptiness', () => {
    expect(coerceValue(f('b', 'Boolean'), false)).toBe(false);
    expect(coerceValue(f('b', 'Boolean'), 'true')).toBe(true);
    expect(coerceValue(f('d', 'Date'), '2024-01-01 10:00:00')).toBe('2024-01-01 10:00:00');
    expect(coerceValue(f('m', 'Map'), '{"a":[1]}')).toEqual({ a: [1] });
    expect(coerceValue(f('n', 'Int'), '  ')).toBeNull();
    expect(coerceValue(f('s', 'String'), '')).toBe('');
    expect(coerceValue(f('s', 'String'), null)).toBeNull();
  });
});

describe('toFormValue', () => {
  it('shows values as the form holds them', () => {
    expect(toFormValue(f('id', 'Long'), '7')).toBe('7');
    expect(toFormValue(f('n', 'Int'), 7)).toBe('7');
    expect(toFormValue(f('b', 'Boolean'), true)).toBe(true);
    expect(toFormValue(f('m', 'Map'), { a: 1 })).toBe('{\n  "a": 1\n}');
    expect(toFormValue(f('s', 'String'), null)).toBeNull();
    expect(inputKindOf('Whatever')).toBe('text');
  });
});

describe('toInput', () => {
  const fields = [f('id', 'Long'), f('name', 'String'), f('budget', 'BigDecimal'), f('size', 'Int'), f('note', 'String')];

  it('creates with every filled field', () => {
    expect(toInput(fields, { name: 'R&D', budget: '10.50', size: '', note: '' }, 'create')).toEqual({
      data: { name: 'R&D', budget: '10.50' },
      errors: {},
    });
  });

  it('updates the primary key plus changed fields, emptied ones as null', () => {
    const original = { id: '7', name: 'Legal', budget: '97514.22', size: 3, note: 'x' };
    const values = { id: '7', name: 'Legal', budget: '1.00', size: '', note: 'x' };
    expect(toInput(fields, values, 'update', original, ['id'])).toEqual({
      data: { id: '7', budget: '1.00', size: null },
      errors: {},
    });
  });

  it('collects coercion errors by field', () => {
    expect(toInput(fields, { size: 'ten', budget: 'x' }, 'create').errors).toEqual({ size: 'integer', budget: 'decimal' });
  });
});
