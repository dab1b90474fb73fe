// The builder's state to the server's JSON DSL (docs/query-dsl.md) and back.
//
// Conditions: the root `where` group is written as one object when its children have distinct
// keys (`{"status": "active", "age": {"$gte": 18}}`, the seed's form), otherwise as
// `{"$and": [...]}`; a root OR group is `{"$or": [...]}`; nested groups are `{"$and"|"$or": [...]}`
// and negation `{"$not": {...}}`. `fromDsl` reads every form back. Root-table fields are written
// unqualified (`status`), the others as `alias.column`.
import { emptyGroup, newId } from './conditions';
import type {
  Aggregate,
  AggregateFn,
  ConditionGroup,
  ConditionLeaf,
  ConditionNode,
  Dsl,
  DslJoin,
  DslTable,
  JoinConfig,
  JoinType,
  JsonValue,
  OnOperator,
  OnPair,
  Operator,
  OrderItem,
  QueryBuilderState,
  SelectedColumn,
  TableConfig,
} from './types';

export function initialQueryState(): QueryBuilderState {
  return {
    datasourceId: null,
    selectedTables: [],
    joins: [],
    conditions: emptyGroup('AND', 'where-root'),
    groupBy: [],
    aggregates: [],
    having: emptyGroup('AND', 'having-root'),
    orderBy: [],
    pagination: { limit: 100, offset: null },
    directives: { cache: false, total: false },
    variableValues: {},
  };
}

// ---- where each part of the DSL came from, to put validation errors next to it ----

export type Target =
  | { section: 'table'; tableId: string }
  | { section: 'column'; tableId: string; column: string }
  | { section: 'aggregate'; id: string }
  | { section: 'join'; id: string }
  | { section: 'where' | 'having'; id: string }
  | { section: 'groupBy'; index: number }
  | { section: 'orderBy'; id: string }
  | { section: 'limit' }
  | { section: 'offset' }
  | { section: 'directives' };

export interface PathEntry {
  path: string;
  target: Target;
}

export interface Compiled {
  dsl: Dsl;
  paths: PathEntry[];
}

/** The DSL for the builder's state. */
export function toDsl(state: QueryBuilderState): Dsl {
  return compileQuery(state).dsl;
}

/** Renders an aggregate as the DSL writes it (`count(*)`, `count(distinct u.city)`, `sum(amount)`). */
export function aggregateExpression(a: Pick<Aggregate, 'fn' | 'field' | 'distinct'>, rootAlias?: string): string {
  const field = a.field === '*' ? '*' : rootAlias ? unqualify(a.field, rootAlias) : a.field;
  return `${a.fn}(${a.distinct ? 'distinct ' : ''}${field})`;
}

function unqualify(field: string, rootAlias: string): string {
  return field.startsWith(`${rootAlias}.`) ? field.slice(rootAlias.length + 1) : field;
}

/** A field as the DSL writes it: root-table columns unqualified, also inside aggregates. */
function fieldOut(field: string, rootAlias: string): string {
  const agg = AGGREGATE.exec(field);
  if (agg) {
    const inner = agg[3] ?? '*';
    return `${(agg[1] ?? 'count').toLowerCase()}(${agg[2] ? 'distinct ' : ''}${inner === '*' ? '*' : unqualify(inner, rootAlias)})`;
  }
  return unqualify(field, rootAlias);
}

function columnText(c: SelectedColumn): string {
  return c.as ? `${c.name} as ${c.as}` : c.name;
}

/** The DSL plus the JSON path of every part of the builder it came from. */
export function compileQuery(state: QueryBuilderState): Compiled {
  const paths: PathEntry[] = [];
  const [root, ...joined] = state.selectedTables;
  if (!root) return { dsl: { tables: [] }, paths };
  const base = 'tables[0]';
  const field = (f: string) => fieldOut(f, root.alias);
  paths.push({ path: base, target: { section: 'table', tableId: root.id } });
  const table: DslTable = { name: root.name };
  if (root.alias !== root.name) table.alias = root.alias;

  const columns: string[] = [];
  if (root.allColumns) columns.push('*');
  for (const c of root.columns) {
    paths.push({ path: `${base}.columns[${columns.length}]`, target: { section: 'column', tableId: root.id, column: c.name } });
    columns.push(columnText(c));
  }
  for (const a of state.aggregates) {
    paths.push({ path: `${base}.columns[${columns.length}]`, target: { section: 'aggregate', id: a.id } });
    columns.push(a.as ? `${aggregateExpression(a, root.alias)} as ${a.as}` : aggregateExpression(a, root.alias));
  }
  if (columns.length > 0) table.columns = columns;

  const joins: DslJoin[] = [];
  for (const t of joined) {
    const join = state.joins.find((j) => j.alias === t.alias);
    const i = joins.length;
    const jpath = `${base}.joins[${i}]`;
    if (join) paths.push({ path: jpath, target: { section: 'join', id: join.id } });
    paths.push({ path: `${jpath}.table`, target: { section: 'table', tableId: t.id } });
    const on = (join?.on ?? []).map((p) => `${p.left} ${p.op} ${p.right}`).join(' AND ');
    const entry: DslJoin = { type: join?.type ?? 'INNER', table: t.name, on };
    if (t.alias !== t.name) entry.alias = t.alias;
    if (!t.allColumns && t.columns.length > 0) {
      entry.columns = t.columns.map((c, k) => {
        paths.push({ path: `${jpath}.columns[${k}]`, target: { section: 'column', tableId: t.id, column: c.name } });
        return columnText(c);
      });
    }
    joins.push(entry);
  }

  const where = conditionsToDsl(state.conditions, `${base}.where`, 'where', field, paths);
  if (where) table.where = where;
  if (joins.length > 0) table.joins = joins;
  if (state.groupBy.length > 0) {
    table.groupBy = state.groupBy.map((g, i) => {
      paths.push({ path: `${base}.groupBy[${i}]`, target: { section: 'groupBy', index: i } });
      return field(g);
    });
  }
  const having = conditionsToDsl(state.having, `${base}.having`, 'having', field, paths);
  if (having) table.having = having;
  if (state.orderBy.length > 0) {
    table.orderBy = state.orderBy.map((o, i) => {
      paths.push({ path: `${base}.orderBy[${i}]`, target: { section: 'orderBy', id: o.id } });
      return o.direction === 'desc' ? `${field(o.field)}-` : field(o.field);
    });
  }
  if (state.pagination.limit !== null) {
    paths.push({ path: `${base}.limit`, target: { section: 'limit' } });
    table.limit = state.pagination.limit;
  }
  if (state.pagination.offset !== null) {
    paths.push({ path: `${base}.offset`, target: { section: 'offset' } });
    table.offset = state.pagination.offset;
  }
  const dsl: Dsl = { tables: [table] };
  const directives: Record<string, JsonValue> = {};
  if (state.directives.cache !== false) directives['@cache'] = state.directives.cache;
  if (state.directives.total) directives['@total'] = true;
  if (Object.keys(directives).length > 0) {
    paths.push({ path: 'directives', target: { section: 'directives' } });
    dsl.directives = directives;
  }
  return { dsl, paths };
}

// ---- conditions ----

type Obj = Record<string, JsonValue>;

function leafValue(leaf: ConditionLeaf, field: (f: string) => string): JsonValue {
  if (leaf.valueColumn !== undefined) {
    const ref = { $col: field(leaf.valueColumn) };
    return leaf.operator === '$eq' ? ref : { [leaf.operator]: ref };
  }
  const v = leaf.value;
  if (leaf.operator === '$eq' && v !== null && typeof v !== 'object') return v;
  return { [leaf.operator]: v };
}

/** One node as a single-key fragment, registering the paths of it and its descendants. */
function fragment(
  node: ConditionNode,
  path: string,
  section: 'where' | 'having',
  field: (f: string) => string,
  paths: PathEntry[],
): Obj | undefined {
  if (node.kind === 'condition') {
    const key = field(node.field);
    const inner: Obj = { [key]: leafValue(node, field) };
    const at = node.not ? `${path}.$not.${key}` : `${path}.${key}`;
    paths.push({ path: at, target: { section, id: node.id } });
    return node.not ? { $not: inner } : inner;
  }
  const op = node.combinator === 'OR' ? '$or' : '$and';
  const listPath = node.not ? `${path}.$not.${op}` : `${path}.${op}`;
  paths.push({ path: listPath, target: { section, id: node.id } });
  const list: JsonValue[] = [];
  for (const child of node.children) {
    const f = fragment(child, `${listPath}[${list.length}]`, section, field, paths);
    if (f) list.push(f);
  }
  if (list.length === 0) return undefined;
  const inner: Obj = { [op]: list };
  return node.not ? { $not: inner } : inner;
}

function conditionsToDsl(
  root: ConditionGroup,
  path: string,
  section: 'where' | 'having',
  field: (f: string) => string,
  paths: PathEntry[],
): Obj | undefined {
  paths.push({ path, target: { section, id: root.id } });
  if (root.combinator === 'OR' || root.not) {
    // A negated root is written like any group (the builder itself never negates the root).
    const f = fragment({ ...root }, path, section, field, paths);
    return f;
  }
  // Find out whether the children can share one object: distinct single keys.
  const probe: Obj[] = [];
  for (const child of root.children) {
    const f = fragment(child, path, section, field, []);
    if (f) probe.push(f);
  }
  if (probe.length === 0) return undefined;
  const keys = probe.map((f) => Object.keys(f)[0] ?? '');
  const distinct = new Set(keys).size === keys.length;
  const loneGroup = probe.length === 1 && (keys[0] === '$and' || keys[0] === '$or');
  if (distinct && !loneGroup) {
    const out: Obj = {};
    for (const child of root.children) {
      const f = fragment(child, path, section, field, paths);
      if (f) Object.assign(out, f);
    }
    return out;
  }
  const list: JsonValue[] = [];
  for (const child of root.children) {
    const f = fragment(child, `${path}.$and[${list.length}]`, section, field, paths);
    if (f) list.push(f);
  }
  return { $and: list };
}

// ---- back from the DSL ----

const AGGREGATE = /^(count|sum|avg|min|max)\s*\(\s*(distinct\s+)?(\*|[^)]*?)\s*\)$/i;
const AS = /^(.*?)\s+as\s+([A-Za-z_][A-Za-z0-9_]*)$/i;

interface Context {
  rootAlias: string;
  /** Table names and aliases to aliases. */
  aliases: Map<string, string>;
  outputs: Set<string>;
}

function qualify(ref: string, ctx: Context, allowOutputs: boolean): string {
  const agg = AGGREGATE.exec(ref);
  if (agg) {
    const inner = agg[3] ?? '*';
    return `${(agg[1] ?? 'count').toLowerCase()}(${agg[2] ? 'distinct ' : ''}${inner === '*' ? '*' : qualify(inner, ctx, false)})`;
  }
  if (allowOutputs && ctx.outputs.has(ref)) return ref;
  const dot = ref.indexOf('.');
  if (dot > 0) {
    const alias = ctx.aliases.get(ref.slice(0, dot));
    return alias ? `${alias}.${ref.slice(dot + 1)}` : ref;
  }
  return `${ctx.rootAlias}.${ref}`;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isColumnRef(v: JsonValue | undefined): v is { $col: string } {
  return isObj(v) && Object.keys(v).length === 1 && typeof v.$col === 'string';
}

function leaf(field: string, operator: Operator, value: JsonValue, ctx: Context, valueColumn?: string): ConditionLeaf {
  const l: ConditionLeaf = { kind: 'condition', id: newId(), field, operator, value };
  if (valueColumn !== undefined) l.valueColumn = qualify(valueColumn, ctx, false);
  return l;
}

function parseKey(key: string, value: JsonValue, ctx: Context, having: boolean): ConditionNode {
  if ((key === '$and' || key === '$or') && Array.isArray(value)) {
    const g = emptyGroup(key === '$or' ? 'OR' : 'AND');
    g.children = value.map((v) => parseFragment(v, ctx, having));
    return g;
  }
  if (key === '$not') {
    const inner = parseFragment(value, ctx, having);
    inner.not = !inner.not;
    return inner;
  }
  const field = qualify(key, ctx, having);
  if (value === null) return leaf(field, '$null', true, ctx);
  if (Array.isArray(value)) return leaf(field, '$in', value, ctx);
  if (!isObj(value)) return leaf(field, '$eq', value, ctx);
  if (isColumnRef(value)) return leaf(field, '$eq', '', ctx, value.$col);
  const parts = Object.entries(value).map(([op, v]) =>
    isColumnRef(v) ? leaf(field, op as Operator, '', ctx, v.$col) : leaf(field, op as Operator, v, ctx),
  );
  if (parts.length === 1 && parts[0]) return parts[0];
  const g = emptyGroup('AND');
  g.children = parts;
  return g;
}

function parseFragment(value: JsonValue, ctx: Context, having: boolean): ConditionNode {
  if (!isObj(value)) return emptyGroup('AND');
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]) return parseKey(entries[0][0], entries[0][1], ctx, having);
  const g = emptyGroup('AND');
  g.children = entries.map(([k, v]) => parseKey(k, v, ctx, having));
  return g;
}

function parseRoot(value: JsonValue | undefined, id: string, ctx: Context, having: boolean): ConditionGroup {
  const root = emptyGroup('AND', id);
  if (!isObj(value)) return root;
  const entries = Object.entries(value);
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only && (only[0] === '$and' || only[0] === '$or') && Array.isArray(only[1])) {
    root.combinator = only[0] === '$or' ? 'OR' : 'AND';
    root.children = only[1].map((v) => parseFragment(v, ctx, having));
    return root;
  }
  root.children = entries.map(([k, v]) => parseKey(k, v, ctx, having));
  return root;
}

function parseColumn(text: string): { expr: string; as?: string } {
  const m = AS.exec(text.trim());
  return m ? { expr: (m[1] ?? '').trim(), as: m[2] } : { expr: text.trim() };
}

function parseOn(on: DslJoin['on'] | undefined, ctx: Context): OnPair[] {
  if (!on) return [];
  if (typeof on === 'object') {
    return Object.entries(on).map(([l, r]) => ({ left: qualify(l, ctx, false), op: '=' as OnOperator, right: qualify(String(r), ctx, false) }));
  }
  return on
    .split(/\s+and\s+/i)
    .map((part) => /^\s*(\S+?)\s*(=|<>|!=|<=|>=|<|>)\s*(\S+?)\s*$/.exec(part))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      left: qualify(m[1] ?? '', ctx, false),
      op: (m[2] === '!=' ? '<>' : m[2]) as OnOperator,
      right: qualify(m[3] ?? '', ctx, false),
    }));
}

/** Reads a DSL document (a template's or history entry's `query`) back into builder state. */
export function fromDsl(input: unknown, datasourceId: string | null = null): QueryBuilderState {
  const state = initialQueryState();
  state.datasourceId = datasourceId;
  state.pagination = { limit: null, offset: null };
  if (!isObj(input)) return state;
  const dsl = input as unknown as Dsl & { datasourceId?: string };
  if (typeof dsl.datasourceId === 'string') state.datasourceId = dsl.datasourceId;
  const t = Array.isArray(dsl.tables) ? dsl.tables[0] : undefined;
  if (!t || typeof t.name !== 'string') return state;

  const rootAlias = t.alias ?? t.name;
  const ctx: Context = { rootAlias, aliases: new Map([[t.name, rootAlias], [rootAlias, rootAlias]]), outputs: new Set() };
  const root: TableConfig = { id: newId(), name: t.name, alias: rootAlias, allColumns: false, columns: [] };
  state.selectedTables.push(root);
  const joins = Array.isArray(t.joins) ? t.joins : [];
  const joinedTables: TableConfig[] = joins.map((j) => {
    const alias = j.alias ?? j.table;
    ctx.aliases.set(j.table, alias);
    ctx.aliases.set(alias, alias);
    return { id: newId(), name: j.table, alias, allColumns: false, columns: [] };
  });
  const byAlias = new Map([root, ...joinedTables].map((x) => [x.alias, x]));

  // Output names first: `having` and `orderBy` may use them.
  const columnTexts = Array.isArray(t.columns) ? t.columns : undefined;
  for (const text of columnTexts ?? []) {
    const { as } = parseColumn(text);
    if (as) ctx.outputs.add(as);
  }
  if (!columnTexts) root.allColumns = true;
  for (const text of columnTexts ?? []) {
    const { expr, as } = parseColumn(text);
    const agg = AGGREGATE.exec(expr);
    if (agg) {
      const inner = agg[3] ?? '*';
      state.aggregates.push({
        id: newId(),
        fn: (agg[1] ?? 'count').toLowerCase() as AggregateFn,
        distinct: Boolean(agg[2]),
        field: inner === '*' ? '*' : qualify(inner, ctx, false),
        as: as ?? '',
      });
      continue;
    }
    const dot = expr.indexOf('.');
    const owner = dot > 0 ? byAlias.get(ctx.aliases.get(expr.slice(0, dot)) ?? '') : root;
    const name = dot > 0 ? expr.slice(dot + 1) : expr;
    const target = owner ?? root;
    if (name === '*') target.allColumns = true;
    else target.columns.push(as ? { name, as } : { name });
  }
  joins.forEach((j, i) => {
    const table = joinedTables[i];
    if (!table) return;
    const config: JoinConfig = {
      id: newId(),
      type: (String(j.type ?? 'INNER').toUpperCase() as JoinType),
      alias: table.alias,
      on: parseOn(j.on, ctx),
    };
    state.joins.push(config);
    const cols = Array.isArray(j.columns) ? j.columns : [];
    for (const text of cols) {
      const { expr, as } = parseColumn(text);
      const name = expr.includes('.') ? expr.slice(expr.indexOf('.') + 1) : expr;
      if (name === '*') table.allColumns = true;
      else table.columns.push(as ? { name, as } : { name });
    }
    // Without its own columns a joined table contributes all of them, unless the root names some.
    if (cols.length === 0 && table.columns.length === 0) table.allColumns = true;
  });
  state.selectedTables.push(...joinedTables);

  state.conditions = parseRoot(t.where, 'where-root', ctx, false);
  state.having = parseRoot(t.having, 'having-root', ctx, true);
  state.groupBy = (Array.isArray(t.groupBy) ? t.groupBy : []).map((g) => qualify(g, ctx, true));
  state.orderBy = (Array.isArray(t.orderBy) ? t.orderBy : []).map((o): OrderItem => {
    let f = o.trim();
    let direction: 'asc' | 'desc' = 'asc';
    if (f.startsWith('-')) {
      direction = 'desc';
      f = f.slice(1);
    } else if (f.endsWith('-')) {
      direction = 'desc';
      f = f.slice(0, -1);
    } else if (f.endsWith('+')) f = f.slice(0, -1);
    return { id: newId(), field: qualify(f, ctx, true), direction };
  });
  state.pagination = {
    limit: typeof t.limit === 'number' ? t.limit : null,
    offset: typeof t.offset === 'number' ? t.offset : null,
  };
  const d = isObj(dsl.directives) ? dsl.directives : {};
  const cache = d['@cache'];
  state.directives = {
    cache: typeof cache === 'boolean' || typeof cache === 'number' ? cache : isObj(cache) && typeof cache.ttl === 'number' ? cache.ttl : false,
    total: d['@total'] === true,
  };
  return state;
}

// ---- errors back to the builder ----

function isPrefix(prefix: string, path: string): boolean {
  if (!path.startsWith(prefix)) return false;
  const next = path.charAt(prefix.length);
  return next === '' || next === '.' || next === '[';
}

/** The part of the builder an error path (`tables[0].where.$or[1].age.$between`) concerns. */
export function locateError(path: string, paths: PathEntry[]): Target | undefined {
  const p = path.replace(/^query\./, '');
  let best: PathEntry | undefined;
  for (const entry of paths) {
    if (isPrefix(entry.path, p) && (!best || entry.path.length > best.path.length)) best = entry;
  }
  return best?.target;
}

/** A stable key for a target, to group errors by the part of the builder they concern. */
export function targetKey(t: Target): string {
  switch (t.section) {
    case 'table':
      return `table:${t.tableId}`;
    case 'column':
      return `column:${t.tableId}:${t.column}`;
    case 'groupBy':
      return `groupBy:${t.index}`;
    case 'limit':
    case 'offset':
    case 'directives':
      return t.section;
    default:
      return `${t.section}:${t.id}`;
  }
}
