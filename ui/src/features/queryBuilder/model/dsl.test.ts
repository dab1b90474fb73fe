import { describe, expect, it } from 'vitest';
import { emptyGroup } from './conditions';
import { compileQuery, fromDsl, initialQueryState, locateError, toDsl } from './dsl';
import type { ConditionGroup, ConditionLeaf, ConditionNode, JsonValue, Operator, QueryBuilderState } from './types';

let seq = 0;
const id = () => `n${++seq}`;
const leaf = (field: string, operator: Operator, value: JsonValue, extra: Partial<ConditionLeaf> = {}): ConditionLeaf => ({
  kind: 'condition',
  id: id(),
  field,
  operator,
  value,
  ...extra,
});
const group = (combinator: 'AND' | 'OR', children: ConditionNode[], not?: boolean): ConditionGroup => ({
  kind: 'group',
  id: id(),
  combinator,
  children,
  ...(not ? { not } : {}),
});

function userQuery(patch: Partial<QueryBuilderState> = {}): QueryBuilderState {
  return {
    ...initialQueryState(),
    pagination: { limit: null, offset: null },
    selectedTables: [{ id: 't1', name: 'User', alias: 'u', allColumns: false, columns: [{ name: 'id' }, { name: 'username' }] }],
    ...patch,
  };
}

function whereOf(state: QueryBuilderState) {
  return toDsl(state).tables[0]?.where;
}

/** Ids differ after a round trip; everything else must not. */
function stripIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripIds);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'id' && k !== 'tableId').map(([k, v]) => [k, stripIds(v)]));
  }
  return value;
}

describe('toDsl', () => {
  it('writes the seed example', () => {
    const state = userQuery({
      selectedTables: [
        { id: 't1', name: 'User', alias: 'u', allColumns: false, columns: [{ name: 'id' }, { name: 'username' }, { name: 'email' }] },
        { id: 't2', name: 'Profile', alias: 'p', allColumns: true, columns: [] },
      ],
      joins: [{ id: 'j1', type: 'LEFT', alias: 'p', on: [{ left: 'u.id', op: '=', right: 'p.userId' }] }],
      conditions: group('AND', [leaf('u.status', '$eq', 'active'), leaf('u.createdAt', '$gte', '2024-01-01')]),
      groupBy: ['u.department'],
      orderBy: [{ id: 'o1', field: 'u.createdAt', direction: 'desc' }],
      pagination: { limit: 20, offset: 0 },
      directives: { cache: true, total: true },
    });
    expect(toDsl(state)).toEqual({
      tables: [
        {
          name: 'User',
          alias: 'u',
          columns: ['id', 'username', 'email'],
          where: { status: 'active', createdAt: { $gte: '2024-01-01' } },
          joins: [{ type: 'LEFT', table: 'Profile', alias: 'p', on: 'u.id = p.userId' }],
          groupBy: ['department'],
          orderBy: ['createdAt-'],
          limit: 20,
          offset: 0,
        },
      ],
      directives: { '@cache': true, '@total': true },
    });
  });

  it('is empty without tables and omits what is not set', () => {
    expect(toDsl(initialQueryState())).toEqual({ tables: [] });
    const dsl = toDsl(userQuery());
    expect(dsl).toEqual({ tables: [{ name: 'User', alias: 'u', columns: ['id', 'username'] }] });
  });

  it.each<[Operator, JsonValue, JsonValue]>([
    ['$eq', 5, 5],
    ['$eq', null, { $eq: null }],
    ['$ne', 5, { $ne: 5 }],
    ['$gt', 1.5, { $gt: 1.5 }],
    ['$gte', '2024-01-01', { $gte: '2024-01-01' }],
    ['$lt', 10, { $lt: 10 }],
    ['$lte', 10, { $lte: 10 }],
    ['$in', [1, 2, 3], { $in: [1, 2, 3] }],
    ['$nin', ['a', 'b'], { $nin: ['a', 'b'] }],
    ['$like', 'a%', { $like: 'a%' }],
    ['$nlike', '%z', { $nlike: '%z' }],
    ['$starts', 'an', { $starts: 'an' }],
    ['$ends', 'na', { $ends: 'na' }],
    ['$contains', '50%', { $contains: '50%' }],
    ['$null', true, { $null: true }],
    ['$null', false, { $null: false }],
    ['$between', [18, 65], { $between: [18, 65] }],
    ['$hasAll', 5, { $hasAll: 5 }],
    ['$bitNe', 2, { $bitNe: 2 }],
  ])('writes %s', (op, value, expected) => {
    expect(whereOf(userQuery({ conditions: group('AND', [leaf('u.age', op, value)]) }))).toEqual({ age: expected });
  });

  it('negates a condition with $not and keeps ${variables} as strings', () => {
    const state = userQuery({ conditions: group('AND', [leaf('u.age', '$between', ['${min}', 65], { not: true })]) });
    expect(whereOf(state)).toEqual({ $not: { age: { $between: ['${min}', 65] } } });
  });

  it('compares with another column', () => {
    const state = userQuery({
      conditions: group('AND', [leaf('u.id', '$eq', '', { valueColumn: 'p.userId' }), leaf('u.age', '$gt', '', { valueColumn: 'u.id' })]),
    });
    expect(whereOf(state)).toEqual({ id: { $col: 'p.userId' }, age: { $gt: { $col: 'id' } } });
  });

  it('nests AND/OR groups', () => {
    const state = userQuery({
      conditions: group('AND', [
        leaf('u.status', '$eq', 'active'),
        group('OR', [leaf('u.age', '$lt', 18), group('AND', [leaf('u.age', '$gte', 65), leaf('u.email', '$ends', '.cn')])]),
        group('OR', [leaf('u.username', '$starts', 'a')], true),
      ]),
    });
    expect(whereOf(state)).toEqual({
      status: 'active',
      $or: [{ age: { $lt: 18 } }, { $and: [{ age: { $gte: 65 } }, { email: { $ends: '.cn' } }] }],
      $not: { $or: [{ username: { $starts: 'a' } }] },
    });
  });

  it('uses $and when keys collide, and for a lone group', () => {
    const twice = userQuery({ conditions: group('AND', [leaf('u.age', '$gte', 18), leaf('u.age', '$lte', 65)]) });
    expect(whereOf(twice)).toEqual({ $and: [{ age: { $gte: 18 } }, { age: { $lte: 65 } }] });
    const two = userQuery({ conditions: group('AND', [group('OR', [leaf('u.a', '$eq', 1)]), group('OR', [leaf('u.b', '$eq', 2)])]) });
    expect(whereOf(two)).toEqual({ $and: [{ $or: [{ a: 1 }] }, { $or: [{ b: 2 }] }] });
    const lone = userQuery({ conditions: group('AND', [group('OR', [leaf('u.a', '$eq', 1), leaf('u.b', '$eq', 2)])]) });
    expect(whereOf(lone)).toEqual({ $and: [{ $or: [{ a: 1 }, { b: 2 }] }] });
  });

  it('writes a root OR group and skips empty groups', () => {
    const state = userQuery({ conditions: group('OR', [leaf('u.a', '$eq', 1), group('AND', []), leaf('u.b', '$eq', 2)]) });
    expect(whereOf(state)).toEqual({ $or: [{ a: 1 }, { b: 2 }] });
    expect(whereOf(userQuery({ conditions: group('AND', [group('OR', [])]) }))).toBeUndefined();
  });

  it('writes joins with their columns, aggregates, having and sorting', () => {
    const state = userQuery({
      selectedTables: [
        { id: 't1', name: 'User', alias: 'u', allColumns: false, columns: [{ name: 'department', as: 'dept' }] },
        { id: 't2', name: 'Order', alias: 'o', allColumns: false, columns: [] },
        { id: 't3', name: 'Profile', alias: 'p', allColumns: false, columns: [{ name: 'city' }] },
      ],
      joins: [
        { id: 'j1', type: 'INNER', alias: 'o', on: [{ left: 'u.id', op: '=', right: 'o.userId' }] },
        { id: 'j2', type: 'RIGHT', alias: 'p', on: [{ left: 'u.id', op: '=', right: 'p.userId' }, { left: 'p.id', op: '>', right: 'u.id' }] },
      ],
      aggregates: [
        { id: 'a1', fn: 'count', field: '*', distinct: false, as: 'n' },
        { id: 'a2', fn: 'count', field: 'o.product', distinct: true, as: '' },
        { id: 'a3', fn: 'sum', field: 'o.amount', distinct: false, as: 'total' },
        { id: 'a4', fn: 'avg', field: 'u.age', distinct: false, as: 'age' },
        { id: 'a5', fn: 'min', field: 'o.amount', distinct: false, as: 'lo' },
        { id: 'a6', fn: 'max', field: 'o.amount', distinct: false, as: 'hi' },
      ],
      groupBy: ['u.department', 'p.city'],
      having: group('AND', [leaf('total', '$gt', 100), leaf('count(*)', '$gte', 2), leaf('sum(u.age)', '$lt', 1000)]),
      orderBy: [
        { id: 'o1', field: 'total', direction: 'desc' },
        { id: 'o2', field: 'u.department', direction: 'asc' },
      ],
      pagination: { limit: 50, offset: 100 },
    });
    expect(toDsl(state).tables[0]).toEqual({
      name: 'User',
      alias: 'u',
      columns: [
        'department as dept',
        'count(*) as n',
        'count(distinct o.product)',
        'sum(o.amount) as total',
        'avg(age) as age',
        'min(o.amount) as lo',
        'max(o.amount) as hi',
      ],
      joins: [
        { type: 'INNER', table: 'Order', alias: 'o', on: 'u.id = o.userId' },
        { type: 'RIGHT', table: 'Profile', alias: 'p', on: 'u.id = p.userId AND p.id > u.id', columns: ['city'] },
      ],
      groupBy: ['department', 'p.city'],
      having: { total: { $gt: 100 }, 'count(*)': { $gte: 2 }, 'sum(age)': { $lt: 1000 } },
      orderBy: ['total-', 'department'],
      limit: 50,
      offset: 100,
    });
  });

  it('omits the alias when it is the table name and writes * for all columns', () => {
    const state = userQuery({ selectedTables: [{ id: 't', name: 'User', alias: 'User', allColumns: true, columns: [] }] });
    expect(toDsl(state)).toEqual({ tables: [{ name: 'User', columns: ['*'] }] });
  });

  it('writes a cache time in seconds', () => {
    expect(toDsl(userQuery({ directives: { cache: 300, total: false } })).directives).toEqual({ '@cache': 300 });
  });
});

describe('fromDsl', () => {
  const roundTrip = (state: QueryBuilderState) => {
    const back = fromDsl(toDsl(state), state.datasourceId);
    expect(stripIds(back.selectedTables)).toEqual(stripIds(state.selectedTables));
    expect(stripIds(back.conditions)).toEqual(stripIds(state.conditions));
    expect(stripIds(back.having)).toEqual(stripIds(state.having));
    expect(stripIds(back.joins)).toEqual(stripIds(state.joins));
    expect(stripIds(back.aggregates)).toEqual(stripIds(state.aggregates));
    expect(back.groupBy).toEqual(state.groupBy);
    expect(stripIds(back.orderBy)).toEqual(stripIds(state.orderBy));
    expect(back.pagination).toEqual(state.pagination);
    expect(back.directives).toEqual(state.directives);
    expect(toDsl(back)).toEqual(toDsl(state));
  };

  it('round-trips every operator', () => {
    const ops: [Operator, JsonValue][] = [
      ['$eq', 'x'], ['$eq', null], ['$ne', 1], ['$gt', 1], ['$gte', 1], ['$lt', 1], ['$lte', 1], ['$in', [1, 2]], ['$nin', ['a']],
      ['$like', 'a%'], ['$nlike', 'b%'], ['$starts', 'c'], ['$ends', 'd'], ['$contains', 'e'], ['$null', true], ['$between', [1, 9]],
      ['$hasAny', 3], ['$hasNone', 4], ['$hasNotAll', 6], ['$bitEq', 1],
    ];
    for (const [op, value] of ops) {
      roundTrip(userQuery({ conditions: { ...emptyGroup('AND', 'where-root'), children: [leaf('u.age', op, value)] } }));
      roundTrip(userQuery({ conditions: { ...emptyGroup('AND', 'where-root'), children: [leaf('u.age', op, value, { not: true })] } }));
    }
  });

  it('round-trips nested groups, collisions and a root OR', () => {
    const nested = { ...emptyGroup('AND', 'where-root') };
    nested.children = [
      leaf('u.status', '$eq', 'active'),
      group('OR', [leaf('u.age', '$lt', 18), group('AND', [leaf('u.age', '$gte', 65), leaf('u.email', '$ends', '.cn')], true)]),
    ];
    roundTrip(userQuery({ conditions: nested }));
    const collide = { ...emptyGroup('AND', 'where-root'), children: [leaf('u.age', '$gte', 1), leaf('u.age', '$lte', 2), group('OR', [leaf('u.a', '$eq', 1)])] };
    roundTrip(userQuery({ conditions: collide }));
    const lone = { ...emptyGroup('AND', 'where-root'), children: [group('OR', [leaf('u.a', '$eq', 1), leaf('u.b', '$in', [1])])] };
    roundTrip(userQuery({ conditions: lone }));
    const nestedAnd = { ...emptyGroup('AND', 'where-root'), children: [group('AND', [leaf('u.a', '$eq', 1), leaf('u.b', '$eq', 2)])] };
    roundTrip(userQuery({ conditions: nestedAnd }));
    const or = { ...emptyGroup('OR', 'where-root'), children: [leaf('u.a', '$eq', 1), group('AND', [leaf('u.b', '$ne', 2), leaf('u.c', '$null', false)])] };
    roundTrip(userQuery({ conditions: or }));
    const cols = { ...emptyGroup('AND', 'where-root'), children: [leaf('u.id', '$eq', '', { valueColumn: 'p.userId' }), leaf('u.age', '$gt', '', { valueColumn: 'p.id' })] };
    roundTrip(
      userQuery({
        selectedTables: [
          { id: 't1', name: 'User', alias: 'u', allColumns: true, columns: [] },
          { id: 't2', name: 'Profile', alias: 'p', allColumns: true, columns: [] },
        ],
        joins: [{ id: 'j', type: 'FULL', alias: 'p', on: [{ left: 'u.id', op: '=', right: 'p.userId' }] }],
        conditions: cols,
      }),
    );
  });

  it('round-trips joins, aggregates, grouping, having, sorting, paging and directives', () => {
    roundTrip(
      userQuery({
        selectedTables: [
          { id: 't1', name: 'User', alias: 'u', allColumns: false, columns: [{ name: 'department', as: 'dept' }, { name: 'id' }] },
          { id: 't2', name: 'Order', alias: 'o', allColumns: false, columns: [{ name: 'amount', as: 'amt' }] },
          { id: 't3', name: 'Profile', alias: 'p', allColumns: true, columns: [] },
        ],
        joins: [
          { id: 'j1', type: 'LEFT', alias: 'o', on: [{ left: 'u.id', op: '=', right: 'o.userId' }] },
          { id: 'j2', type: 'INNER', alias: 'p', on: [{ left: 'u.id', op: '=', right: 'p.userId' }, { left: 'p.id', op: '<>', right: 'o.id' }] },
        ],
        aggregates: [
          { id: 'a1', fn: 'count', field: '*', distinct: false, as: 'n' },
          { id: 'a2', fn: 'count', field: 'o.product', distinct: true, as: '' },
          { id: 'a3', fn: 'sum', field: 'o.amount', distinct: false, as: 'total' },
          { id: 'a4', fn: 'avg', field: 'u.age', distinct: false, as: '' },
        ],
        groupBy: ['u.department', 'u.id'],
        having: { ...emptyGroup('AND', 'having-root'), children: [leaf('total', '$gt', 100), leaf('count(*)', '$gte', 2), leaf('avg(u.age)', '$lt', 40)] },
        orderBy: [
          { id: 'o1', field: 'total', direction: 'desc' },
          { id: 'o2', field: 'o.amount', direction: 'asc' },
        ],
        pagination: { limit: 10, offset: 20 },
        directives: { cache: 120, total: true },
      }),
    );
  });

  it('reads the forms the builder does not write', () => {
    const state = fromDsl({
      datasourceId: 'ds_1',
      tables: [
        {
          name: 'User',
          columns: ['User.id', 'p.*'],
          where: {
            status: null,
            age: [1, 2],
            id: { $col: 'p.userId' },
            createdAt: { $gte: '2024-01-01', $lt: '2025-01-01' },
          },
          joins: [{ type: 'left', table: 'Profile', alias: 'p', on: { 'User.id': 'p.userId' } }],
          orderBy: ['-createdAt', 'id+'],
        },
      ],
      directives: { '@cache': { ttl: 30 } },
    });
    expect(state.datasourceId).toBe('ds_1');
    expect(state.selectedTables.map((t) => [t.alias, t.allColumns, t.columns])).toEqual([
      ['User', false, [{ name: 'id' }]],
      ['p', true, []],
    ]);
    expect(stripIds(state.joins)).toEqual([{ type: 'LEFT', alias: 'p', on: [{ left: 'User.id', op: '=', right: 'p.userId' }] }]);
    expect(stripIds(state.conditions.children)).toEqual([
      { kind: 'condition', field: 'User.status', operator: '$null', value: true },
      { kind: 'condition', field: 'User.age', operator: '$in', value: [1, 2] },
      { kind: 'condition', field: 'User.id', operator: '$eq', value: '', valueColumn: 'p.userId' },
      {
        kind: 'group',
        combinator: 'AND',
        children: [
          { kind: 'condition', field: 'User.createdAt', operator: '$gte', value: '2024-01-01' },
          { kind: 'condition', field: 'User.createdAt', operator: '$lt', value: '2025-01-01' },
        ],
      },
    ]);
    expect(state.orderBy.map((o) => [o.field, o.direction])).toEqual([
      ['User.createdAt', 'desc'],
      ['User.id', 'asc'],
    ]);
    expect(state.directives).toEqual({ cache: 30, total: false });
    expect(state.pagination).toEqual({ limit: null, offset: null });
  });

  it('reads a table without columns as all columns, and survives garbage', () => {
    expect(fromDsl({ tables: [{ name: 'User' }] }).selectedTables[0]?.allColumns).toBe(true);
    expect(fromDsl(null).selectedTables).toEqual([]);
    expect(fromDsl({ tables: 'x' }).selectedTables).toEqual([]);
  });
});

describe('locateError', () => {
  it('maps a server error path to the part of the builder it concerns', () => {
    const target = leaf('u.age', '$between', [1, '${x}']);
    const inner = leaf('u.userId', '$eq', 'abc');
    const state = userQuery({
      conditions: { ...emptyGroup('AND', 'where-root'), children: [leaf('u.amout', '$eq', 1), group('OR', [inner, group('AND', [{ ...target, not: true }])])] },
      groupBy: ['u.stat'],
      orderBy: [{ id: 'sort1', field: 'u.nope', direction: 'desc' }],
      aggregates: [{ id: 'agg1', fn: 'sum', field: 'u.x', distinct: false, as: 's' }],
      pagination: { limit: 5, offset: null },
    });
    const { paths } = compileQuery(state);
    const where = state.conditions.children;
    expect(locateError('tables[0].where.amout', paths)).toEqual({ section: 'where', id: where[0]?.id });
    expect(locateError('tables[0].where.$or[0].userId', paths)).toEqual({ section: 'where', id: inner.id });
    expect(locateError('tables[0].where.$or[1].$and[0].$not.age.$between[1]', paths)).toEqual({ section: 'where', id: target.id });
    expect(locateError('tables[0].groupBy[0]', paths)).toEqual({ section: 'groupBy', index: 0 });
    expect(locateError('tables[0].orderBy[0]', paths)).toEqual({ section: 'orderBy', id: 'sort1' });
    expect(locateError('tables[0].columns[2]', paths)).toEqual({ section: 'aggregate', id: 'agg1' });
    expect(locateError('tables[0].columns[1]', paths)).toEqual({ section: 'column', tableId: 't1', column: 'username' });
    expect(locateError('query.tables[0].limit', paths)).toEqual({ section: 'limit' });
    expect(locateError('tables[0].colums', paths)).toEqual({ section: 'table', tableId: 't1' });
    expect(locateError('options.timeout', paths)).toBeUndefined();
  });

  it('does not match a longer key that merely starts the same', () => {
    const a = leaf('u.age', '$eq', 1);
    const state = userQuery({ conditions: { ...emptyGroup('AND', 'where-root'), children: [a] } });
    const { paths } = compileQuery(state);
    expect(locateError('tables[0].where.ageGroup', paths)).toEqual({ section: 'where', id: 'where-root' });
  });
});
