// Record form values ↔ gateway input, typed by GraphQL scalar (docs/oinone.md "Scalars"):
// Long/BigDecimal/BigInteger/Money travel as strings (exact), Short/Int/Float as numbers,
// Boolean as booleans, Date as text, Map/Object as JSON.
import type { ModelField } from './introspection';

export type InputKind = 'integer' | 'decimalString' | 'integerString' | 'number' | 'boolean' | 'date' | 'json' | 'text';

export function inputKindOf(type: string): InputKind {
  switch (type) {
    case 'Short':
    case 'Int':
      return 'integer';
    case 'Long':
    case 'BigInteger':
    case 'ID':
      return 'integerString';
    case 'BigDecimal':
    case 'Money':
      return 'decimalString';
    case 'Float':
    case 'Double':
    case 'DOUBLE':
      return 'number';
    case 'Boolean':
      return 'boolean';
    case 'Date':
      return 'date';
    case 'Map':
    case 'Obj':
    case 'Object':
      return 'json';
    default:
      return 'text';
  }
}

/** What the form holds: text for most kinds, booleans for Boolean, null for "no value". */
export type FormValue = string | boolean | null;
export type FormValues = Record<string, FormValue | undefined>;

/** A record's value as the form shows it. */
export function toFormValue(field: ModelField, value: unknown): FormValue {
  if (value === null || value === undefined) return null;
  const kind = inputKindOf(field.type);
  if (kind === 'boolean') return Boolean(value);
  if (kind === 'json') return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return String(value);
}

export class CoercionError extends Error {
  constructor(
    readonly field: string,
    readonly reason: 'integer' | 'number' | 'decimal' | 'json',
  ) {
    super(`${field}: ${reason}`);
  }
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One form value as the gateway input wants it; `null` for an empty value. */
export function coerceValue(field: ModelField, raw: FormValue | undefined): unknown {
  if (raw === undefined || raw === null) return null;
  const kind = inputKindOf(field.type);
  if (kind === 'boolean') return typeof raw === 'boolean' ? raw : raw === 'true';
  const text = String(raw);
  if (kind === 'text') return text;
  const trimmed = text.trim();
  if (trimmed === '') return null;
  switch (kind) {
    case 'integer': {
      if (!INTEGER.test(trimmed)) throw new CoercionError(field.name, 'integer');
      const n = Number(trimmed);
      if (!Number.isSafeInteger(n)) throw new CoercionError(field.name, 'integer');
      return n;
    }
    case 'integerString':
      if (!INTEGER.test(trimmed)) throw new CoercionError(field.name, 'integer');
      return trimmed;
    case 'decimalString':
      if (!DECIMAL.test(trimmed)) throw new CoercionError(field.name, 'decimal');
      return trimmed;
    case 'number': {
      const n = Number(trimmed);
      if (!DECIMAL.test(trimmed) || !Number.isFinite(n)) throw new CoercionError(field.name, 'number');
      return n;
    }
    case 'json':
      try {
        return JSON.parse(trimmed) as unknown;
      } catch {
        throw new CoercionError(field.name, 'json');
      }
    case 'date':
      return trimmed;
  }
}

export interface InputResult {
  data: Record<string, unknown>;
  errors: Record<string, CoercionError['reason']>;
}

/**
 * The `data` of a create or update.
 * - create: every non-empty field;
 * - update: the primary key plus the fields that changed from `original` (an emptied field → null).
 */
export function toInput(
  fields: ModelField[],
  values: FormValues,
  mode: 'create' | 'update',
  original: Record<string, unknown> = {},
  pk: string[] = [],
): InputResult {
  const data: Record<string, unknown> = {};
  const errors: InputResult['errors'] = {};
  for (const field of fields) {
    let value: unknown;
    try {
      value = coerceValue(field, values[field.name]);
    } catch (e) {
      if (e instanceof CoercionError) {
        errors[field.name] = e.reason;
        continue;
      }
      throw e;
    }
    if (mode === 'create') {
      if (value !== null && !(inputKindOf(field.type) === 'text' && value === '')) data[field.name] = value;
      continue;
    }
    if (pk.includes(field.name)) {
      data[field.name] = original[field.name] ?? value;
      continue;
    }
    const before = toFormValue(field, original[field.name]);
    const now = values[field.name] ?? null;
    const unchanged =
      inputKindOf(field.type) === 'json'
        ? JSON.stringify(value) === JSON.stringify(original[field.name] ?? null)
        : before === now || (before === null && now === '');
    if (!unchanged) data[field.name] = value;
  }
  return { data, errors };
}
