// The selected datasource's tables with columns, indexes and foreign keys (RTK Query cache).
import { useMemo } from 'react';
import { useListTablesQuery } from '../../../api/generated';
import { readSchema, type SchemaTable } from '../model/schema';

export function useSchema(datasourceId: string | null) {
  const query = useListTablesQuery(
    { id: datasourceId ?? '', includeColumns: true, includeIndexes: true },
    { skip: !datasourceId },
  );
  const tables: SchemaTable[] = useMemo(() => readSchema(query.data?.data?.tables ?? []), [query.data]);
  return { ...query, tables };
}
