import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/demoIntrospection.json';
import { INTROSPECTION_QUERY, lowerCamel, parseModels, pkHintsFromTables, unwrapType, type IntrospectionResult } from './introspection';

// Captured from the real server's `/pamirs/demo` with INTROSPECTION_QUERY.
const demo = fixture as unknown as IntrospectionResult;

describe('parseModels', () => {
  it('finds every model of the demo module with typed fields', () => {
    const models = parseModels(demo);
    expect(models.map((m) => m.model)).toEqual(['department', 'order', 'profile', 'user']);
    const department = models.find((m) => m.model === 'department')!;
    expect(department.typeName).toBe('Department');
    expect(department.writable).toBe(true);
    expect(department.pk).toEqual(['id']);
    expect(department.fields).toEqual([
      { name: 'id', type: 'Long', nonNull: false, isList: false },
      { name: 'name', type: 'String', nonNull: false, isList: false },
      { name: 'budget', type: 'BigDecimal', nonNull: false, isList: false },
      { name: 'createdAt', type: 'Date', nonNull: false, isList: false },
    ]);
    const order = models.find((m) => m.model === 'order')!;
    expect(order.fields.find((f) => f.name === 'paid')?.type).toBe('Boolean');
  });

  it('uses primary-key hints when given', () => {
    const models = parseModels(demo, { profile: ['userId'], user: ['nope'] });
    expect(models.find((m) => m.model === 'profile')?.pk).toEqual(['userId']);
    // A hint naming no field falls back to `id`.
    expect(models.find((m) => m.model === 'user')?.pk).toEqual(['id']);
  });

  it('builds a model from a hand-made schema, ignoring roots that are not models', () => {
    const result: IntrospectionResult = {
      __schema: {
        queryType: { name: 'QueryType' },
        mutationType: null,
        types: [
          {
            kind: 'OBJECT',
            name: 'QueryType',
            fields: [
              { name: 'module', type: { kind: 'NON_NULL', ofType: { kind: 'SCALAR', name: 'String' } } },
              { name: 'testModelQuery', type: { kind: 'NON_NULL', ofType: { kind: 'OBJECT', name: 'TestModelQuery' } } },
              { name: 'brokenQuery', type: { kind: 'OBJECT', name: 'BrokenQuery' } },
            ],
          },
          { kind: 'OBJECT', name: 'BrokenQuery', fields: [{ name: 'count', type: { kind: 'SCALAR', name: 'Long' } }] },
          {
            kind: 'OBJECT',
            name: 'TestModelQuery',
            fields: [{ name: 'queryPage', type: { kind: 'NON_NULL', ofType: { kind: 'OBJECT', name: 'TestModelPage' } } }],
          },
          {
            kind: 'OBJECT',
            name: 'TestModelPage',
            fields: [{ name: 'content', type: { kind: 'LIST', ofType: { kind: 'OBJECT', name: 'TestModel' } } }],
          },
          {
            kind: 'OBJECT',
            name: 'TestModel',
            fields: [
              { name: 'code', type: { kind: 'NON_NULL', ofType: { kind: 'SCALAR', name: 'String' } } },
              { name: 'tags', type: { kind: 'LIST', ofType: { kind: 'NON_NULL', ofType: { kind: 'SCALAR', name: 'String' } } } },
              { name: 'parent', type: { kind: 'OBJECT', name: 'TestModel' } },
            ],
          },
        ],
      },
    };
    expect(parseModels(result)).toEqual([
      {
        model: 'testModel',
        typeName: 'TestModel',
        writable: false,
        pk: undefined,
        fields: [
          { name: 'code', type: 'String', nonNull: true, isList: false },
          { name: 'tags', type: 'String', nonNull: false, isList: true },
        ],
      },
    ]);
  });
});

describe('helpers', () => {
  it('unwraps wrappers', () => {
    expect(unwrapType({ kind: 'NON_NULL', ofType: { kind: 'LIST', ofType: { kind: 'SCALAR', name: 'Int' } } })).toEqual({
      name: 'Int',
      nonNull: true,
      isList: true,
    });
  });

  it('names like the server', () => {
    expect(lowerCamel('test_model')).toBe('testModel');
    expect(lowerCamel('Order Items')).toBe('orderItems');
    expect(lowerCamel('Department')).toBe('department');
    expect(lowerCamel('2fa codes')).toBe('_2faCodes');
    expect(lowerCamel('__')).toBeUndefined();
  });

  it('reads primary keys from the REST schema', () => {
    expect(
      pkHintsFromTables([
        { name: 'order_line', columns: [{ name: 'order_id', key: 'PRI' }, { name: 'line_no', key: 'PRI' }, { name: 'qty', key: null }] },
        { name: 'log', columns: [{ name: 'msg' }] },
      ]),
    ).toEqual({ orderLine: ['orderId', 'lineNo'] });
  });

  it('asks for root types and fields', () => {
    expect(INTROSPECTION_QUERY).toContain('queryType { name }');
    expect(INTROSPECTION_QUERY).toContain('types { kind name fields');
  });
});
