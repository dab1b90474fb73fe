// The datasource's schema as the builder uses it, from the generated `TableView` (asked for with
// its columns, indexes and foreign keys).
import type { ForeignKey, TableView } from '../../../api/generated';
import type { OnPair, TableConfig } from './types';
import { valueKind, type ValueKind } from './values';

export interface SchemaColumn {
  name: string;
  type: string;
  fullType: string;
  nullable: boolean;
  /** `PRI`, `UNI`, `MUL` or null. */
  key: string | null;
  comment: string | null;
  /** Leads some index (so filtering or sorting on it can use one). */
  indexed: boolean;
}

export type SchemaForeignKey = ForeignKey;

export interface SchemaTable {
  name: string;
  kind: string;
  rows: number | null;
  comment: string | null;
  columns: SchemaColumn[];
  foreignKeys: SchemaForeignKey[];
}

export function readSchema(tables: readonly TableView[]): SchemaTable[] {
  return tables.map((t) => {
    const leading = new Set((t.indexes ?? []).map((i) => i.columns[0]).filter((c): c is string => !!c));
    return {
      name: t.name,
      kind: t.kind,
      rows: t.rows ?? null,
      comment: t.comment ?? null,
      columns: (t.columns ?? []).map((c) => ({
        name: c.name,
        type: c.type,
        fullType: c.fullType || c.type,
        nullable: c.nullable,
        key: c.key ?? null,
        comment: c.comment ?? null,
        indexed: leading.has(c.name) || c.key === 'PRI',
      })),
      foreignKeys: t.foreignKeys ?? [],
    };
  });
}

/** A field of the query (`alias.column`) with what is known of its column. */
export interface FieldInfo {
  field: string;
  alias: string;
  table: string;
  column: string;
  type: string;
  kind: ValueKind;
  indexed: boolean;
}

export function fieldsOf(tables: readonly TableConfig[], schema: readonly SchemaTable[]): FieldInfo[] {
  return tables.flatMap((t) => {
    const s = schema.find((x) => x.name === t.name);
    return (s?.columns ?? []).map((c) => ({
      field: `${t.alias}.${c.name}`,
      alias: t.alias,
      table: t.name,
      column: c.name,
      type: c.fullType || c.type,
      kind: valueKind(c.type),
      indexed: c.indexed,
    }));
  });
}

/** An alias for a new table: its initial, lower case, numbered when taken (`u`, `u2`). */
export function uniqueAlias(name: string, taken: readonly string[]): string {
  const base = (name.match(/[A-Za-z]/)?.[0] ?? 't').toLowerCase();
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) if (!taken.includes(`${base}${n}`)) return `${base}${n}`;
}

/** A join condition from the foreign keys between the new table and those already chosen. */
export function suggestJoin(
  schema: readonly SchemaTable[],
  existing: readonly TableConfig[],
  table: string,
  alias: string,
): OnPair[] {
  const added = schema.find((s) => s.name === table);
  for (const t of existing) {
    const other = schema.find((s) => s.name === t.name);
    for (const fk of added?.foreignKeys ?? []) {
      if (fk.referencedTable === t.name) {
        return fk.columns.map((c, i) => ({ left: `${t.alias}.${fk.referencedColumns[i] ?? 'id'}`, op: '=', right: `${alias}.${c}` }));
      }
    }
    for (const fk of other?.foreignKeys ?? []) {
      if (fk.referencedTable === table) {
        return fk.columns.map((c, i) => ({ left: `${t.alias}.${c}`, op: '=', right: `${alias}.${fk.referencedColumns[i] ?? 'id'}` }));
      }
    }
  }
  return [];
}
