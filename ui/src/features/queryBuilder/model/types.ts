// The visual query builder's state (seed 000, section 3.1 `queryBuilder`), independent of React.
// `toDsl` (dsl.ts) turns it into the server's JSON DSL (docs/query-dsl.md); `fromDsl` reads one back.

/** A JSON value as the DSL carries it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$like',
  '$nlike',
  '$starts',
  '$ends',
  '$contains',
  '$null',
  '$between',
  '$bitEq',
  '$bitNe',
  '$hasAll',
  '$hasNotAll',
  '$hasAny',
  '$hasNone',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Operators whose right-hand side may be another column (`{"$col": "other"}`). */
export const COLUMN_COMPARABLE: readonly Operator[] = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte'];
export const BIT_OPERATORS: readonly Operator[] = ['$bitEq', '$bitNe', '$hasAll', '$hasNotAll', '$hasAny', '$hasNone'];

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
export const JOIN_TYPES: readonly JoinType[] = ['INNER', 'LEFT', 'RIGHT', 'FULL'];
export type OnOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';
export const ON_OPERATORS: readonly OnOperator[] = ['=', '<>', '<', '<=', '>', '>='];

export type AggregateFn = 'count' | 'sum' | 'avg' | 'min' | 'max';
export const AGGREGATE_FNS: readonly AggregateFn[] = ['count', 'sum', 'avg', 'min', 'max'];

/** A plain selected column of one table, by its name in that table. */
export interface SelectedColumn {
  name: string;
  /** Output name (`… as name`). */
  as?: string;
}

/** A table of the query. The first one is the root; every other one is joined (see `joins`). */
export interface TableConfig {
  id: string;
  name: string;
  /** Always set: fields are written `alias.column`. Equal to `name` when the DSL had no alias. */
  alias: string;
  /** `*`/`p.*`: every column of the table. */
  allColumns: boolean;
  columns: SelectedColumn[];
}

/** One `left op right` comparison of a join's `on`, fields as `alias.column`. */
export interface OnPair {
  left: string;
  op: OnOperator;
  right: string;
}

export interface JoinConfig {
  id: string;
  type: JoinType;
  /** The alias of the joined table (a non-root entry of `selectedTables`). */
  alias: string;
  on: OnPair[];
}

/**
 * A leaf condition. `field` is `alias.column` (or, in `having`, an aggregate such as `count(*)`
 * or an output name). `value` is already typed for the DSL: numbers as numbers, `$in` lists,
 * `$between` pairs, `$null` a boolean, template variables `${name}` as strings.
 */
export interface ConditionLeaf {
  kind: 'condition';
  id: string;
  field: string;
  operator: Operator;
  value: JsonValue;
  /** Compare with another column (`{"$col": "alias.column"}`) instead of a value. */
  valueColumn?: string;
  not?: boolean;
}

export interface ConditionGroup {
  kind: 'group';
  id: string;
  combinator: 'AND' | 'OR';
  not?: boolean;
  children: ConditionNode[];
}

export type ConditionNode = ConditionLeaf | ConditionGroup;

export interface Aggregate {
  id: string;
  fn: AggregateFn;
  /** `*` (count only) or `alias.column`. */
  field: string;
  distinct: boolean;
  as: string;
}

export interface OrderItem {
  id: string;
  /** `alias.column` or an output name. */
  field: string;
  direction: 'asc' | 'desc';
}

export interface Directives {
  /** `false`, `true` (60 s) or seconds (1–86,400). */
  cache: boolean | number;
  total: boolean;
}

export interface QueryBuilderState {
  datasourceId: string | null;
  selectedTables: TableConfig[];
  joins: JoinConfig[];
  /** `where`: the root group. */
  conditions: ConditionGroup;
  groupBy: string[];
  aggregates: Aggregate[];
  having: ConditionGroup;
  orderBy: OrderItem[];
  pagination: { limit: number | null; offset: number | null };
  directives: Directives;
  /** Test values for `${name}` placeholders, used to validate and run from the builder. */
  variableValues: Record<string, string>;
}

export type ConditionTree = 'where' | 'having';

/** The DSL's shape, as much as the builder writes it. */
export interface DslJoin {
  type: JoinType;
  table: string;
  alias?: string;
  on: string | Record<string, string>;
  columns?: string[];
}

export interface DslTable {
  name: string;
  alias?: string;
  columns?: string[];
  where?: Record<string, JsonValue>;
  joins?: DslJoin[];
  groupBy?: string[];
  having?: Record<string, JsonValue>;
  orderBy?: string[];
  limit?: number;
  offset?: number;
}

export interface Dsl {
  tables: DslTable[];
  directives?: Record<string, JsonValue>;
}
