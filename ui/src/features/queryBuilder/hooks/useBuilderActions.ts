// Builder actions that need the schema as well as the state: adding a table (with a join
// suggested from foreign keys) and turning a schema column into a field of the query.
import { useCallback, useState, type DragEvent } from 'react';
import { useAppDispatch, useAppSelector } from '../../../app/hooks';
import { hasDraggedColumn, readDraggedColumn, useBuilder, type DraggedColumn } from '../components/BuilderContext';
import { queryBuilderActions as qb } from '../queryBuilderSlice';
import { suggestJoin, uniqueAlias } from '../model/schema';

export function useEnsureTable() {
  const dispatch = useAppDispatch();
  const tables = useAppSelector((s) => s.queryBuilder.selectedTables);
  const { schema } = useBuilder();
  /** Adds the table (joined to the others when it is not the first); answers its alias. */
  const addTable = useCallback(
    (name: string): string => {
      const alias = uniqueAlias(name, tables.map((t) => t.alias));
      const on = tables.length > 0 ? suggestJoin(schema, tables, name, alias) : [];
      dispatch(qb.tableAdded({ name, alias, join: tables.length > 0 ? { type: on.length ? 'LEFT' : 'INNER', on } : undefined }));
      return alias;
    },
    [dispatch, tables, schema],
  );
  /** The alias of the table in the query, added first if it is not there. */
  const ensureTable = useCallback(
    (name: string): { alias: string; tableId: string | null } => {
      const existing = tables.find((t) => t.name === name);
      return existing ? { alias: existing.alias, tableId: existing.id } : { alias: addTable(name), tableId: null };
    },
    [tables, addTable],
  );
  return { addTable, ensureTable };
}

/** Drop-zone props for schema columns, and whether a column is hovering. */
export function useColumnDrop(onDrop: (column: DraggedColumn) => void) {
  const [over, setOver] = useState(false);
  const props = {
    onDragOver: (e: DragEvent) => {
      if (!hasDraggedColumn(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop: (e: DragEvent) => {
      setOver(false);
      const column = readDraggedColumn(e);
      if (!column) return;
      e.preventDefault();
      e.stopPropagation();
      onDrop(column);
    },
  };
  return { over, props };
}
