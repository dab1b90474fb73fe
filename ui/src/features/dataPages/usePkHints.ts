// Primary keys of a module's models, from the REST schema browser (`columns[].key === 'PRI'`):
// GraphQL introspection does not say which fields form the key.
import { useMemo } from 'react';
import { useListDatasourcesQuery, useListTablesQuery } from '../../api/generated';
import { silenceEndpoints } from '../../api/silence';
import { pkHintsFromTables } from './introspection';

// Without the hints the pages fall back to an `id` field: no notification for a failed read.
silenceEndpoints(['listTables']);

export function usePkHints(module: string): { hints: Record<string, string[]>; settled: boolean } {
  const list = useListDatasourcesQuery({ keyword: module, pageSize: 100 }, { skip: !module });
  const id = list.data?.data?.items.find((ds) => ds.code === module)?.id;
  const tables = useListTablesQuery({ id: id ?? '', includeColumns: true }, { skip: !id });
  const hints = useMemo(
    () => pkHintsFromTables((tables.data?.data?.tables ?? []) as Parameters<typeof pkHintsFromTables>[0]),
    [tables.data],
  );
  const settled = !list.isLoading && !tables.isLoading;
  return { hints, settled };
}
