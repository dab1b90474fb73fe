import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import QueryBuilderPage from './QueryBuilderPage';
import { envelope, mockFetch, renderWithApp, type Call } from './test/harness';

const datasource = {
  id: 'ds_1', code: 'demo', name: 'demo', type: 'sqlite', status: 'connected', isDefault: true, readOnly: false,
  allowedRoles: [], readOnlyTables: [], connection: {}, options: {}, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
};
const tables = [
  {
    name: 'User', kind: 'table', rows: 5000,
    columns: [
      { name: 'id', type: 'integer', fullType: 'integer', nullable: false, key: 'PRI' },
      { name: 'age', type: 'integer', fullType: 'integer', nullable: true, key: null },
      { name: 'status', type: 'varchar', fullType: 'varchar(20)', nullable: false, key: 'MUL' },
    ],
    indexes: [{ name: 'PRIMARY', columns: ['id'], unique: true, primary: true }, { name: 'idx_user_status', columns: ['status'], unique: false, primary: false }],
    foreignKeys: [],
  },
];

function server(validations: Call[]) {
  return (c: Call) => {
    if (c.path === '/api/v1/datasources') return { body: envelope({ items: [datasource], total: 1, page: 1, pageSize: 100, totalPages: 1 }) };
    if (c.path === '/api/v1/datasources/ds_1/tables') return { body: envelope({ tables }) };
    if (c.path === '/api/v1/query-builder/validate') {
      validations.push(c);
      const where = (c.body as { tables: { where?: Record<string, unknown> }[] }).tables[0]?.where;
      const bad = Object.entries(where ?? {}).find(([, v]) => v === 'abc');
      if (bad) {
        return { body: envelope({ valid: false, sql: null, dialect: 'sqlite', warnings: [], advice: [], errors: [{ path: `tables[0].where.${bad[0]}`, code: 'invalid', message: 'Text("abc") is not an integer' }] }) };
      }
      return {
        body: envelope({
          valid: true, dialect: 'sqlite', estimatedRows: 100, estimatedTime: 1,
          sql: 'SELECT "User"."age" FROM "User" LIMIT 100',
          warnings: ['add an index on User.age'],
          advice: [{ kind: 'index', message: 'add an index on User.age', table: 'User', column: 'age', sql: 'CREATE INDEX "idx_user_age" ON "User" ("age")' }],
        }),
      };
    }
    if (c.path === '/api/v1/query/execute') {
      return { body: envelope({ columns: ['age'], rows: Array.from({ length: 3 }, (_, i) => ({ age: 20 + i })), count: 3 }, { cached: false, datasource: 'demo' }) };
    }
    return undefined;
  };
}

describe('QueryBuilderPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('builds from the schema, validates live, maps errors, and runs', { timeout: 60_000 }, async () => {
    const validations: Call[] = [];
    const { calls } = mockFetch(server(validations));
    renderWithApp(<QueryBuilderPage />, { route: '/query' });
    const user = userEvent.setup();

    // The default datasource is chosen and its schema listed.
    await user.click(await screen.findByTestId('schema-table-User'));
    await user.click(await screen.findByTestId('column-User.age'));
    expect(await screen.findByTestId('table-card-u')).toBeInTheDocument();

    // Live validation: the server's SQL, advice with its CREATE INDEX, estimates.
    await waitFor(() => expect(screen.getByTestId('sql-view')).toHaveTextContent('SELECT "User"."age"'), { timeout: 5000 });
    expect(within(screen.getByTestId('warnings-list')).getByTestId('advice-sql')).toHaveTextContent('CREATE INDEX "idx_user_age"');
    expect(validations.at(-1)?.body).toEqual({ tables: [{ name: 'User', alias: 'u', columns: ['age'], limit: 100 }], datasourceId: 'ds_1' });

    // A filter whose value the server refuses: the message appears on that condition.
    await user.click(screen.getByTestId('add-filter'));
    const condition = await screen.findByTestId('condition');
    fireEvent.change(within(condition).getByTestId('value-input'), { target: { value: 'abc' } });
    expect(await within(condition).findByText('Text("abc") is not an integer', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByTestId('run')).toBeDisabled();

    fireEvent.change(within(condition).getByTestId('value-input'), { target: { value: '21' } });
    await waitFor(() => expect(screen.getByTestId('run')).toBeEnabled(), { timeout: 5000 });
    await user.click(screen.getByTestId('run'));
    expect(await screen.findByTestId('result-count')).toHaveTextContent('3 rows');
    const run = calls.find((c) => c.path === '/api/v1/query/execute');
    expect(run?.body).toEqual({
      query: { tables: [{ name: 'User', alias: 'u', columns: ['age'], where: { id: 21 }, limit: 100 }] },
      datasourceId: 'ds_1',
      options: { timeout: 30000, shape: 'rows' },
    });
  });
});
