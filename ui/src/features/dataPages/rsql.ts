// Building RSQL filters (docs/rsql.md) from structured rows: field + operator + value(s).

/** How many values an operator takes. */
export type Arity = 'one' | 'list' | 'bool';

export interface OperatorInfo {
  op: string;
  arity: Arity;
  /** Which field types it makes sense for. */
  applies: 'any' | 'text' | 'ordered' | 'bits';
}

/** Oinone's operators in canonical form (docs/rsql.md, docs/oinone.md). */
export const OPERATORS: readonly OperatorInfo[] = [
  { op: '==', arity: 'one', applies: 'any' },
  { op: '!=', arity: 'one', applies: 'any' },
  { op: '=gt=', arity: 'one', applies: 'ordered' },
  { op: '=ge=', arity: 'one', applies: 'ordered' },
  { op: '=lt=', arity: 'one', applies: 'ordered' },
  { op: '=le=', arity: 'one', applies: 'ordered' },
  { op: '=in=', arity: 'list', applies: 'any' },
  { op: '=out=', arity: 'list', applies: 'any' },
  { op: '=isnull=', arity: 'bool', applies: 'any' },
  { op: '=notnull=', arity: 'bool', applies: 'any' },
  { op: '=like=', arity: 'one', applies: 'text' },
  { op: '=notlike=', arity: 'one', applies: 'text' },
  { op: '=starts=', arity: 'one', applies: 'text' },
  { op: '=notstarts=', arity: 'one', applies: 'text' },
  { op: '=ends=', arity: 'one', applies: 'text' },
  { op: '=notends=', arity: 'one', applies: 'text' },
  { op: '=cole=', arity: 'one', applies: 'any' },
  { op: '=colnot=', arity: 'one', applies: 'any' },
  { op: '=bit=', arity: 'list', applies: 'bits' },
  { op: '=notbit=', arity: 'list', applies: 'bits' },
  { op: '=has=', arity: 'list', applies: 'bits' },
  { op: '=hasnt=', arity: 'list', applies: 'bits' },
  { op: '=hasor=', arity: 'list', applies: 'bits' },
  { op: '=hasntor=', arity: 'list', applies: 'bits' },
];

const INTEGER_TYPES = new Set(['Short', 'Int', 'Long', 'BigInteger', 'ID']);
const NUMBER_TYPES = new Set([...INTEGER_TYPES, 'Float', 'Double', 'DOUBLE', 'BigDecimal', 'Money']);
const TEXT_TYPES = new Set(['String', 'Html', 'ID']);

export function operatorInfo(op: string): OperatorInfo | undefined {
  return OPERATORS.find((o) => o.op === op);
}

/** The operators offered for a field of GraphQL type `type`. */
export function operatorsFor(type: string): OperatorInfo[] {
  return OPERATORS.filter((o) => {
    switch (o.applies) {
      case 'any':
        return true;
      case 'text':
        return TEXT_TYPES.has(type);
      case 'ordered':
        return NUMBER_TYPES.has(type) || type === 'Date' || TEXT_TYPES.has(type);
      case 'bits':
        return INTEGER_TYPES.has(type);
    }
    return false;
  });
}

// Characters an unquoted RSQL value cannot hold: `"'();,=<>!~` and space (docs/rsql.md).
const RESERVED = /["'();,=<>!~\s]/;

/**
 * A value as RSQL text: unquoted when it can be, else in double quotes with `\` escaping
 * `"` and `\` (a backslash makes the next character literal inside quotes).
 * Values that read as the words `and`/`or` are quoted too, so they never join filters.
 */
export function quoteValue(value: string): string {
  if (value !== '' && !RESERVED.test(value) && value !== 'and' && value !== 'or') return value;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export interface FilterRow {
  field: string;
  op: string;
  /** One value; for list operators, the items. For `=isnull=`/`=notnull=`, `true`/`false`. */
  value: string | string[];
}

export type Combinator = 'and' | 'or';

/** A row ready to be written (field, operator and value present)? */
export function isComplete(row: FilterRow): boolean {
  const info = operatorInfo(row.op);
  if (!row.field || !info) return false;
  if (info.arity === 'list') {
    const items = Array.isArray(row.value) ? row.value : splitList(row.value);
    return items.length > 0;
  }
  if (info.arity === 'bool') return true;
  return typeof row.value === 'string' || (Array.isArray(row.value) && row.value.length === 1);
}

/** `a, b ,c` → `['a','b','c']` (for list values typed as text). */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** One constraint: `field op value` / `field op (v1,v2)`. */
export function constraintOf(row: FilterRow): string {
  const info = operatorInfo(row.op);
  if (!info) throw new Error(`unknown operator ${row.op}`);
  if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(row.field)) throw new Error(`invalid field ${row.field}`);
  switch (info.arity) {
    case 'list': {
      const items = Array.isArray(row.value) ? row.value : splitList(row.value);
      if (!items.length) throw new Error(`${row.op} needs at least one value`);
      return `${row.field}${row.op}(${items.map(quoteValue).join(',')})`;
    }
    case 'bool': {
      const v = Array.isArray(row.value) ? row.value[0] : row.value;
      return `${row.field}${row.op}${v === 'false' ? 'false' : 'true'}`;
    }
    case 'one': {
      const v = Array.isArray(row.value) ? (row.value[0] ?? '') : row.value;
      return `${row.field}${row.op}${quoteValue(v)}`;
    }
  }
}

/** The filter of the complete rows joined by `;` (and) or `,` (or); `''` when there is none. */
export function buildRsql(rows: FilterRow[], combinator: Combinator = 'and'): string {
  return rows
    .filter(isComplete)
    .map(constraintOf)
    .join(combinator === 'and' ? ';' : ',');
}
