// Datasource types: the generated ones, named; plus the schema browser's column, index and
// foreign-key shapes, which the OpenAPI document declares only as `object`
// (crates/api/src/routes/datasources.rs `TableView`, from crates/datasource/src/introspect).
import type { DatasourceBody, GetDatasourceApiResponse, TableView, TestSavedApiResponse } from '../../api/generated';

export type DatasourceView = NonNullable<GetDatasourceApiResponse['data']>;
export type ProbeView = NonNullable<TestSavedApiResponse['data']>;
export type { DatasourceBody, TableView };

export interface ColumnInfo {
  name: string;
  /** Base type in lower case (`int`, `varchar`…). */
  type: string;
  /** Declared type (`varchar(50)`, `decimal(12,2)`). */
  fullType: string;
  length?: number | null;
  precision?: number | null;
  scale?: number | null;
  nullable: boolean;
  /** `PRI`, `UNI` or `MUL`. */
  key?: string | null;
  extra?: string | null;
  default?: string | null;
  comment?: string | null;
}

export interface IndexInfo {
  name: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
}

export interface ForeignKeyInfo {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
}

export const DATASOURCE_TYPES = ['mysql', 'postgres', 'sqlite'] as const;
export type DatasourceType = (typeof DATASOURCE_TYPES)[number];

export function columnsOf(table: TableView): ColumnInfo[] {
  return (table.columns ?? []) as ColumnInfo[];
}
export function indexesOf(table: TableView): IndexInfo[] {
  return (table.indexes ?? []) as IndexInfo[];
}
export function foreignKeysOf(table: TableView): ForeignKeyInfo[] {
  return (table.foreignKeys ?? []) as ForeignKeyInfo[];
}
