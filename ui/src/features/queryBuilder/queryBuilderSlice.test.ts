import { describe, expect, it } from 'vitest';
import { toDsl } from './model/dsl';
import reducer, { queryBuilderActions as qb } from './queryBuilderSlice';

const start = () => reducer(undefined, { type: 'init' });

describe('queryBuilderSlice', () => {
  it('names its actions as events', () => {
    expect(qb.filterAdded.type).toBe('queryBuilder/filterAdded');
    expect(qb.tableAdded.type).toBe('queryBuilder/tableAdded');
    expect(qb.columnToggled.type).toBe('queryBuilder/columnToggled');
  });

  it('adds tables with aliases and a join for every table after the first', () => {
    let s = start();
    s = reducer(s, qb.datasourceSelected('ds_1'));
    s = reducer(s, qb.tableAdded({ name: 'User' }));
    s = reducer(s, qb.tableAdded({ name: 'Unit', join: { type: 'LEFT', on: [{ left: 'u.id', op: '=', right: 'u2.userId' }] } }));
    expect(s.selectedTables.map((t) => t.alias)).toEqual(['u', 'u2']);
    expect(s.joins).toMatchObject([{ alias: 'u2', type: 'LEFT' }]);
    s = reducer(s, qb.columnToggled({ alias: 'u2', column: 'name' }));
    expect(toDsl(s).tables[0]?.joins).toEqual([{ type: 'LEFT', table: 'Unit', alias: 'u2', on: 'u.id = u2.userId', columns: ['name'] }]);
  });

  it('renames an alias everywhere and removes a table with what used it', () => {
    let s = start();
    s = reducer(s, qb.tableAdded({ name: 'User', alias: 'u' }));
    s = reducer(s, qb.tableAdded({ name: 'Profile', alias: 'p', join: { type: 'INNER', on: [{ left: 'u.id', op: '=', right: 'p.userId' }] } }));
    s = reducer(s, qb.filterAdded({ tree: 'where', field: 'p.city', value: 'x' }));
    s = reducer(s, qb.groupByAdded('p.city'));
    s = reducer(s, qb.aggregateAdded({ fn: 'count', field: 'p.id', distinct: true, as: 'n' }));
    s = reducer(s, qb.sortAdded({ field: 'p.city', direction: 'desc' }));
    s = reducer(s, qb.tableAliasChanged({ tableId: s.selectedTables[1]!.id, alias: 'pr' }));
    const t = toDsl(s).tables[0]!;
    expect(t.where).toEqual({ 'pr.city': 'x' });
    expect(t.joins?.[0]?.on).toBe('u.id = pr.userId');
    expect(t.columns).toEqual(['count(distinct pr.id) as n']);
    expect(t.orderBy).toEqual(['pr.city-']);
    s = reducer(s, qb.tableRemoved({ tableId: s.selectedTables[1]!.id }));
    expect(toDsl(s).tables[0]).toEqual({ name: 'User', alias: 'u', limit: 100 });
  });

  it('reshapes the value when the operator changes, and starts over on another datasource', () => {
    let s = start();
    s = reducer(s, qb.datasourceSelected('ds_1'));
    s = reducer(s, qb.tableAdded({ name: 'User', alias: 'u' }));
    s = reducer(s, qb.filterAdded({ tree: 'where', field: 'u.age', value: 5 }));
    const id = s.conditions.children[0]!.id;
    s = reducer(s, qb.conditionChanged({ tree: 'where', id, operator: '$between' }));
    expect(toDsl(s).tables[0]?.where).toEqual({ age: { $between: [5, ''] } });
    s = reducer(s, qb.conditionChanged({ tree: 'where', id, operator: '$in' }));
    expect(toDsl(s).tables[0]?.where).toEqual({ age: { $in: [5, ''] } });
    s = reducer(s, qb.datasourceSelected('ds_2'));
    expect(s.selectedTables).toEqual([]);
    expect(s.datasourceId).toBe('ds_2');
  });
});
