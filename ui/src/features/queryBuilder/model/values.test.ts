import { describe, expect, it } from 'vitest';
import { coerceValue, displayValue, isComplete, operatorsFor, reshapeValue, valueKind, valueShape } from './values';

describe('valueKind', () => {
  it.each([
    ['integer', 'integer'],
    ['bigint', 'integer'],
    ['int(11)', 'integer'],
    ['smallint unsigned', 'integer'],
    ['decimal', 'decimal'],
    ['numeric(10,2)', 'decimal'],
    ['double precision', 'decimal'],
    ['boolean', 'boolean'],
    ['bool', 'boolean'],
    ['datetime', 'date'],
    ['timestamp with time zone', 'date'],
    ['date', 'date'],
    ['varchar', 'text'],
    ['character varying', 'text'],
    ['text', 'text'],
    ['', 'text'],
  ])('%s is %s', (type, kind) => expect(valueKind(type)).toBe(kind));
});

describe('coerceValue', () => {
  it('types numbers by the column', () => {
    expect(coerceValue('42', 'integer')).toBe(42);
    expect(coerceValue('-7', 'integer')).toBe(-7);
    expect(coerceValue('1.5', 'decimal')).toBe(1.5);
    expect(coerceValue('1.50', 'decimal')).toBe('1.50');
    expect(coerceValue('1.5', 'integer')).toBe('1.5');
    expect(coerceValue('12345678901234567890', 'integer')).toBe('12345678901234567890');
    expect(coerceValue('abc', 'integer')).toBe('abc');
    expect(coerceValue('42', 'text')).toBe('42');
  });
  it('types booleans, keeps dates and variables as strings', () => {
    expect(coerceValue('true', 'boolean')).toBe(true);
    expect(coerceValue('0', 'boolean')).toBe(false);
    expect(coerceValue('2024-01-01', 'date')).toBe('2024-01-01');
    expect(coerceValue('${min}', 'integer')).toBe('${min}');
    expect(coerceValue('${flag}', 'boolean')).toBe('${flag}');
    expect(coerceValue('', 'integer')).toBe('');
  });
  it('shows values as text', () => {
    expect(displayValue(42)).toBe('42');
    expect(displayValue(null)).toBe('');
    expect(displayValue(true)).toBe('true');
    expect(displayValue('x')).toBe('x');
  });
});

describe('operators', () => {
  it('offers operators by column kind', () => {
    expect(operatorsFor('boolean')).toEqual(['$eq', '$ne', '$null']);
    expect(operatorsFor('text')).toContain('$contains');
    expect(operatorsFor('integer')).not.toContain('$like');
    expect(operatorsFor('integer')).toContain('$hasAll');
    expect(operatorsFor(undefined)).toHaveLength(21);
  });
  it('reshapes values when the operator changes', () => {
    expect(valueShape('$between')).toBe('pair');
    expect(reshapeValue(5, '$between')).toEqual([5, '']);
    expect(reshapeValue(5, '$in')).toEqual([5]);
    expect(reshapeValue('', '$in')).toEqual([]);
    expect(reshapeValue([1, 2], '$eq')).toBe(1);
    expect(reshapeValue('x', '$null')).toBe(true);
    expect(reshapeValue(true, '$eq')).toBe(true);
    expect(reshapeValue([3], '$between')).toEqual([3, '']);
  });
  it('knows when a value is complete', () => {
    expect(isComplete('$between', [1, ''])).toBe(false);
    expect(isComplete('$between', [1, 2])).toBe(true);
    expect(isComplete('$in', [])).toBe(false);
    expect(isComplete('$eq', '')).toBe(false);
    expect(isComplete('$eq', '', 'u.id')).toBe(true);
    expect(isComplete('$null', false)).toBe(true);
  });
});
