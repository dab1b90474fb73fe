// Typing values by their column, and which operators fit which column.
import type { JsonValue, Operator } from './types';

export type ValueKind = 'integer' | 'decimal' | 'boolean' | 'date' | 'text';

/** Classifies a database type name (`int`, `decimal(12,2)`, `character varying`, `timestamptz`…). */
export function valueKind(type: string | undefined | null): ValueKind {
  const t = (type ?? '').toLowerCase();
  if (/^(bool|boolean|bit\(1\))\b/.test(t)) return 'boolean';
  if (/(^|\s)(tinyint|smallint|mediumint|int|integer|bigint|serial|bigserial|smallserial|int2|int4|int8|year)\b/.test(t))
    return 'integer';
  if (/(decimal|numeric|float|double|real|money|number)/.test(t)) return 'decimal';
  if (/(date|time|timestamp|timestamptz|interval)/.test(t)) return 'date';
  return 'text';
}

const PLACEHOLDER = /\$\{[^}]+\}/;

export function isPlaceholder(text: string): boolean {
  return PLACEHOLDER.test(text);
}

/**
 * The DSL value for what the user typed into a field of a column of this kind: numbers become
 * numbers when the text is exactly that number (so `1.50` of a decimal stays a string and exact),
 * `true`/`false` become booleans, template variables and dates stay strings, and anything else
 * stays as typed (the server then reports it, at its path).
 */
export function coerceValue(raw: string, kind: ValueKind): JsonValue {
  const text = raw.trim();
  if (text === '' || isPlaceholder(text)) return raw === text ? raw : text;
  if (kind === 'integer' || kind === 'decimal') {
    if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) {
      const n = Number(text);
      if (Number.isFinite(n) && String(n) === text && (kind === 'decimal' || Number.isSafeInteger(n))) return n;
    }
    return text;
  }
  if (kind === 'boolean') {
    if (/^(true|1)$/i.test(text)) return true;
    if (/^(false|0)$/i.test(text)) return false;
    return text;
  }
  return raw;
}

/** A DSL value shown in a text field. */
export function displayValue(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const COMPARE: Operator[] = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte'];
const LISTS: Operator[] = ['$in', '$nin'];
const TEXT: Operator[] = ['$like', '$nlike', '$starts', '$ends', '$contains'];
const BITS: Operator[] = ['$bitEq', '$bitNe', '$hasAll', '$hasNotAll', '$hasAny', '$hasNone'];

/** The operators offered for a column of this kind (every operator for an unknown field). */
export function operatorsFor(kind: ValueKind | undefined): Operator[] {
  switch (kind) {
    case 'integer':
      return [...COMPARE, ...LISTS, '$between', '$null', ...BITS];
    case 'decimal':
    case 'date':
      return [...COMPARE, ...LISTS, '$between', '$null'];
    case 'boolean':
      return ['$eq', '$ne', '$null'];
    case 'text':
      return [...COMPARE, ...LISTS, ...TEXT, '$between', '$null'];
    default:
      return [...COMPARE, ...LISTS, ...TEXT, '$between', '$null', ...BITS];
  }
}

/** The shape an operator's value takes. */
export type ValueShape = 'single' | 'list' | 'pair' | 'flag';

export function valueShape(op: Operator): ValueShape {
  if (op === '$in' || op === '$nin') return 'list';
  if (op === '$between') return 'pair';
  if (op === '$null') return 'flag';
  return 'single';
}

/** Keeps what can be kept of a value when the operator changes shape. */
export function reshapeValue(value: JsonValue, op: Operator): JsonValue {
  const shape = valueShape(op);
  const first = Array.isArray(value) ? (value[0] ?? '') : value;
  switch (shape) {
    case 'list':
      return Array.isArray(value) ? value : value === '' || value === null || typeof value === 'boolean' ? [] : [value];
    case 'pair':
      return Array.isArray(value) ? [value[0] ?? '', value[1] ?? ''] : [first === null ? '' : first, ''];
    case 'flag':
      return typeof value === 'boolean' ? value : true;
    default:
      return first === null || typeof first === 'object' ? '' : first;
  }
}

/** Whether a condition's value is filled in enough to be sent. */
export function isComplete(op: Operator, value: JsonValue, valueColumn?: string): boolean {
  if (valueColumn) return true;
  switch (valueShape(op)) {
    case 'list':
      return Array.isArray(value) && value.length > 0;
    case 'pair':
      return Array.isArray(value) && value.length === 2 && value.every((v) => v !== '' && v !== null);
    case 'flag':
      return typeof value === 'boolean';
    default:
      return value !== '' && value !== undefined;
  }
}
