// Datasource types: the generated ones, named for the screens that use them.
import type {
  Column,
  DatasourceBody,
  ForeignKey,
  GetDatasourceApiResponse,
  Index,
  TableView,
  TestSavedApiResponse,
} from '../../api/generated';

export type DatasourceView = NonNullable<GetDatasourceApiResponse['data']>;
export type ProbeView = NonNullable<TestSavedApiResponse['data']>;
export type { DatasourceBody, TableView };
export type ColumnInfo = Column;
export type IndexInfo = Index;
export type ForeignKeyInfo = ForeignKey;

export const DATASOURCE_TYPES = ['mysql', 'postgres', 'sqlite'] as const;
export type DatasourceType = (typeof DATASOURCE_TYPES)[number];

export function columnsOf(table: TableView): ColumnInfo[] {
  return table.columns ?? [];
}
export function indexesOf(table: TableView): IndexInfo[] {
  return table.indexes ?? [];
}
export function foreignKeysOf(table: TableView): ForeignKeyInfo[] {
  return table.foreignKeys ?? [];
}
