// Client-side state of the visual query builder (seed 000, section 3.1 `queryBuilder`). Server
// answers (schema, validation, results) live in the RTK Query cache, not here.
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { emptyGroup, findGroup, findNode, newCondition, newId, pruneFields, removeNode } from './model/conditions';
import { initialQueryState } from './model/dsl';
import { uniqueAlias } from './model/schema';
import type {
  AggregateFn,
  ConditionGroup,
  ConditionTree,
  JoinType,
  JsonValue,
  OnPair,
  Operator,
  QueryBuilderState,
} from './model/types';
import { reshapeValue } from './model/values';

const tree = (state: QueryBuilderState, which: ConditionTree): ConditionGroup =>
  which === 'having' ? state.having : state.conditions;

/** Renames `old.` to `next.` in a field reference (also inside aggregates such as `sum(old.x)`). */
function renameField(field: string, old: string, next: string): string {
  return field.replace(new RegExp(`(^|\\()${old.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.`), `$1${next}.`);
}

function renameInTree(group: ConditionGroup, old: string, next: string): void {
  for (const c of group.children) {
    if (c.kind === 'group') renameInTree(c, old, next);
    else {
      c.field = renameField(c.field, old, next);
      if (c.valueColumn) c.valueColumn = renameField(c.valueColumn, old, next);
    }
  }
}

function addTable(state: QueryBuilderState, name: string, alias?: string, join?: { type: JoinType; on: OnPair[] }) {
  const taken = state.selectedTables.map((t) => t.alias);
  const chosen = alias && !taken.includes(alias) ? alias : uniqueAlias(name, taken);
  const isRoot = state.selectedTables.length === 0;
  state.selectedTables.push({ id: newId(), name, alias: chosen, allColumns: false, columns: [] });
  if (!isRoot) state.joins.push({ id: newId(), type: join?.type ?? 'INNER', alias: chosen, on: join?.on ?? [] });
}

export const queryBuilderSlice = createSlice({
  name: 'queryBuilder',
  initialState: initialQueryState,
  reducers: {
    datasourceSelected(state, action: PayloadAction<string | null>) {
      if (state.datasourceId === action.payload) return state;
      // Another datasource has other tables: start over.
      return { ...initialQueryState(), datasourceId: action.payload };
    },
    queryLoaded(_state, action: PayloadAction<QueryBuilderState>) {
      return action.payload;
    },
    queryReset(state) {
      return { ...initialQueryState(), datasourceId: state.datasourceId };
    },

    tableAdded(state, action: PayloadAction<{ name: string; alias?: string; join?: { type: JoinType; on: OnPair[] } }>) {
      addTable(state, action.payload.name, action.payload.alias, action.payload.join);
    },
    joinAdded(state, action: PayloadAction<{ table: string; alias?: string; type: JoinType; on: OnPair[] }>) {
      addTable(state, action.payload.table, action.payload.alias, { type: action.payload.type, on: action.payload.on });
    },
    tableRemoved(state, action: PayloadAction<{ tableId: string }>) {
      const index = state.selectedTables.findIndex((t) => t.id === action.payload.tableId);
      const table = state.selectedTables[index];
      if (!table) return;
      if (index === 0) {
        // The root leaves: so does everything built on it.
        return { ...initialQueryState(), datasourceId: state.datasourceId };
      }
      state.selectedTables.splice(index, 1);
      const prefix = `${table.alias}.`;
      const gone = (f: string) => f.startsWith(prefix) || f.includes(`(${prefix}`) || f.includes(`distinct ${prefix}`);
      state.joins = state.joins
        .filter((j) => j.alias !== table.alias)
        .map((j) => ({ ...j, on: j.on.filter((p) => !gone(p.left) && !gone(p.right)) }));
      pruneFields(state.conditions, gone);
      pruneFields(state.having, gone);
      state.groupBy = state.groupBy.filter((g) => !gone(g));
      state.aggregates = state.aggregates.filter((a) => !gone(a.field));
      state.orderBy = state.orderBy.filter((o) => !gone(o.field));
    },
    tableAliasChanged(state, action: PayloadAction<{ tableId: string; alias: string }>) {
      const table = state.selectedTables.find((t) => t.id === action.payload.tableId);
      const next = action.payload.alias.trim();
      if (!table || !next || state.selectedTables.some((t) => t.alias === next && t.id !== table.id)) return;
      const old = table.alias;
      table.alias = next;
      for (const j of state.joins) {
        if (j.alias === old) j.alias = next;
        j.on = j.on.map((p) => ({ ...p, left: renameField(p.left, old, next), right: renameField(p.right, old, next) }));
      }
      renameInTree(state.conditions, old, next);
      renameInTree(state.having, old, next);
      state.groupBy = state.groupBy.map((g) => renameField(g, old, next));
      for (const a of state.aggregates) a.field = renameField(a.field, old, next);
      for (const o of state.orderBy) o.field = renameField(o.field, old, next);
    },
    columnToggled(state, action: PayloadAction<{ tableId?: string; alias?: string; column: string; selected?: boolean }>) {
      const { tableId, alias } = action.payload;
      const table = state.selectedTables.find((t) => (tableId ? t.id === tableId : t.alias === alias));
      if (!table) return;
      const has = table.columns.some((c) => c.name === action.payload.column);
      const want = action.payload.selected ?? !has;
      if (want && !has) table.columns.push({ name: action.payload.column });
      if (!want && has) table.columns = table.columns.filter((c) => c.name !== action.payload.column);
    },
    allColumnsToggled(state, action: PayloadAction<{ tableId: string }>) {
      const table = state.selectedTables.find((t) => t.id === action.payload.tableId);
      if (table) table.allColumns = !table.allColumns;
    },
    columnAliasChanged(state, action: PayloadAction<{ tableId: string; column: string; as: string }>) {
      const col = state.selectedTables.find((t) => t.id === action.payload.tableId)?.columns.find((c) => c.name === action.payload.column);
      if (!col) return;
      const as = action.payload.as.trim();
      if (as) col.as = as;
      else delete col.as;
    },

    joinTypeChanged(state, action: PayloadAction<{ joinId: string; type: JoinType }>) {
      const join = state.joins.find((j) => j.id === action.payload.joinId);
      if (join) join.type = action.payload.type;
    },
    joinConditionAdded(state, action: PayloadAction<{ joinId: string; pair?: OnPair }>) {
      const join = state.joins.find((j) => j.id === action.payload.joinId);
      if (join) join.on.push(action.payload.pair ?? { left: '', op: '=', right: '' });
    },
    joinConditionChanged(state, action: PayloadAction<{ joinId: string; index: number; pair: Partial<OnPair> }>) {
      const join = state.joins.find((j) => j.id === action.payload.joinId);
      const pair = join?.on[action.payload.index];
      if (pair) Object.assign(pair, action.payload.pair);
    },
    joinConditionRemoved(state, action: PayloadAction<{ joinId: string; index: number }>) {
      const join = state.joins.find((j) => j.id === action.payload.joinId);
      if (join) join.on.splice(action.payload.index, 1);
    },

    filterAdded(
      state,
      action: PayloadAction<{ tree: ConditionTree; groupId?: string; field: string; operator?: Operator; value?: JsonValue }>,
    ) {
      const root = tree(state, action.payload.tree);
      const group = (action.payload.groupId && findGroup(root, action.payload.groupId)) || root;
      group.children.push(newCondition(action.payload.field, action.payload.operator, action.payload.value));
    },
    groupAdded(state, action: PayloadAction<{ tree: ConditionTree; parentId?: string; combinator: 'AND' | 'OR'; field?: string }>) {
      const root = tree(state, action.payload.tree);
      const parent = (action.payload.parentId && findGroup(root, action.payload.parentId)) || root;
      const group = emptyGroup(action.payload.combinator);
      // A group starts with one condition to fill in, so it is never silently empty.
      if (action.payload.field !== undefined) group.children.push(newCondition(action.payload.field));
      parent.children.push(group);
    },
    conditionChanged(
      state,
      action: PayloadAction<{
        tree: ConditionTree;
        id: string;
        field?: string;
        operator?: Operator;
        value?: JsonValue;
        valueColumn?: string | null;
      }>,
    ) {
      const node = findNode(tree(state, action.payload.tree), action.payload.id);
      if (node?.kind !== 'condition') return;
      const { field, operator, value, valueColumn } = action.payload;
      if (field !== undefined) node.field = field;
      if (operator !== undefined && operator !== node.operator) {
        node.operator = operator;
        node.value = reshapeValue(node.value, operator);
        if (!['$eq', '$ne', '$gt', '$gte', '$lt', '$lte'].includes(operator)) delete node.valueColumn;
      }
      if (value !== undefined) node.value = value;
      if (valueColumn === null) delete node.valueColumn;
      else if (valueColumn !== undefined) node.valueColumn = valueColumn;
    },
    combinatorChanged(state, action: PayloadAction<{ tree: ConditionTree; id: string; combinator: 'AND' | 'OR' }>) {
      const group = findGroup(tree(state, action.payload.tree), action.payload.id);
      if (group) group.combinator = action.payload.combinator;
    },
    nodeNegated(state, action: PayloadAction<{ tree: ConditionTree; id: string }>) {
      const root = tree(state, action.payload.tree);
      const node = findNode(root, action.payload.id);
      if (node && node !== root) node.not = !node.not;
    },
    nodeRemoved(state, action: PayloadAction<{ tree: ConditionTree; id: string }>) {
      removeNode(tree(state, action.payload.tree), action.payload.id);
    },

    groupByAdded(state, action: PayloadAction<string>) {
      if (!state.groupBy.includes(action.payload)) state.groupBy.push(action.payload);
    },
    groupByRemoved(state, action: PayloadAction<string>) {
      state.groupBy = state.groupBy.filter((g) => g !== action.payload);
    },
    aggregateAdded(state, action: PayloadAction<{ fn: AggregateFn; field: string; distinct?: boolean; as?: string }>) {
      const { fn, field, distinct, as } = action.payload;
      state.aggregates.push({ id: newId(), fn, field, distinct: distinct ?? false, as: as ?? '' });
    },
    aggregateChanged(
      state,
      action: PayloadAction<{ id: string; fn?: AggregateFn; field?: string; distinct?: boolean; as?: string }>,
    ) {
      const a = state.aggregates.find((x) => x.id === action.payload.id);
      if (!a) return;
      const { fn, field, distinct, as } = action.payload;
      if (fn !== undefined) a.fn = fn;
      if (field !== undefined) a.field = field;
      if (distinct !== undefined) a.distinct = distinct;
      if (as !== undefined) a.as = as.trim();
      if (a.field === '*' && a.fn !== 'count') a.field = '';
      if (a.field === '*') a.distinct = false;
    },
    aggregateRemoved(state, action: PayloadAction<string>) {
      state.aggregates = state.aggregates.filter((a) => a.id !== action.payload);
    },

    sortAdded(state, action: PayloadAction<{ field: string; direction?: 'asc' | 'desc' }>) {
      state.orderBy.push({ id: newId(), field: action.payload.field, direction: action.payload.direction ?? 'asc' });
    },
    sortChanged(state, action: PayloadAction<{ id: string; field?: string; direction?: 'asc' | 'desc' }>) {
      const o = state.orderBy.find((x) => x.id === action.payload.id);
      if (!o) return;
      if (action.payload.field !== undefined) o.field = action.payload.field;
      if (action.payload.direction !== undefined) o.direction = action.payload.direction;
    },
    sortRemoved(state, action: PayloadAction<string>) {
      state.orderBy = state.orderBy.filter((o) => o.id !== action.payload);
    },
    limitChanged(state, action: PayloadAction<number | null>) {
      state.pagination.limit = action.payload;
    },
    offsetChanged(state, action: PayloadAction<number | null>) {
      state.pagination.offset = action.payload;
    },
    directivesChanged(state, action: PayloadAction<Partial<QueryBuilderState['directives']>>) {
      Object.assign(state.directives, action.payload);
    },
    variableValueChanged(state, action: PayloadAction<{ name: string; value: string }>) {
      state.variableValues[action.payload.name] = action.payload.value;
    },
  },
});

export const queryBuilderActions = queryBuilderSlice.actions;
export const queryBuilderReducer = queryBuilderSlice.reducer;
export default queryBuilderSlice.reducer;

/** The slice's state from the root state (mounted under `queryBuilder`). */
export const selectQueryBuilder = (root: { queryBuilder: QueryBuilderState }): QueryBuilderState => root.queryBuilder;
