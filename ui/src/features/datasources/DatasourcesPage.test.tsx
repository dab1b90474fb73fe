import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { envelope, fakeServer } from '../../app/testUtils';
import { renderPage, typeInto } from '../dataPages/testing';
import DatasourcesPage from './DatasourcesPage';
import SchemaPage from './SchemaPage';


let teardown: () => void = () => {};
afterEach(() => {
  teardown();
  vi.unstubAllGlobals();
});

const base = {
  connection: { host: '', port: 0, database: '/tmp/demo.db', username: '', password: null, ssl: false, timezone: null },
  options: { poolSize: 4, timeout: 30000, maxRetries: 3 },
  readOnly: false,
  allowedRoles: [],
  readOnlyTables: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};
const demo = { ...base, id: 'ds_demo', code: 'demo', name: 'demo', type: 'sqlite', status: 'connected', isDefault: true };
const broken = {
  ...base,
  id: 'ds_pg',
  code: 'sales',
  name: 'Sales',
  type: 'postgres',
  status: 'error',
  statusStage: 'tcpConnect',
  statusReason: 'refused',
  isDefault: false,
  connection: { ...base.connection, host: 'db', port: 5432, database: 'sales', username: 'ro' },
};

describe('DatasourcesPage', () => {
  it('lists datasources with type, status and default marker, and deletes after confirmation', async () => {
    let items = [demo, broken];
    const server = fakeServer((req) => {
      if (req.method === 'DELETE') {
        items = items.filter((d) => d.id !== 'ds_pg');
        return envelope(200, { message: 'deleted' });
      }
      return envelope(200, { data: { items, total: items.length, page: 1, pageSize: 20, totalPages: 1 } });
    });
    const view = renderPage(<DatasourcesPage />, { path: '/datasources', route: '/datasources' });
    teardown = view.teardown;
    const salesRow = (await screen.findByText('Sales')).closest('tr') as HTMLElement;
    const demoRow = screen.getByText('demo', { selector: 'a' }).closest('tr') as HTMLElement;
    expect(within(demoRow).getByTestId('datasource-type-sqlite')).toHaveTextContent('SQLite');
    expect(within(demoRow).getByTestId('datasource-default')).toBeInTheDocument();
    expect(within(demoRow).getByTestId('datasource-status')).toHaveAttribute('data-status', 'connected');
    expect(within(salesRow).getByTestId('datasource-type-postgres')).toHaveTextContent('PostgreSQL');
    expect(within(salesRow).getByTestId('datasource-status')).toHaveTextContent('Error');
    expect(within(salesRow).queryByTestId('datasource-default')).toBeNull();
    expect(screen.getByTestId('datasource-new')).toBeInTheDocument();

    fireEvent.click(within(salesRow).getByTestId('datasource-delete'));
    expect((await screen.findAllByText('Delete datasource "Sales"?')).length).toBeGreaterThan(0);
    await act(async () => {
      fireEvent.click(screen.getByTestId('datasource-delete-confirm'));
    });
    await waitFor(() => expect(server.seen.some((r) => r.method === 'DELETE' && r.url === '/api/v1/datasources/ds_pg')).toBe(true));
    await waitFor(() => expect(screen.queryByText('Sales')).not.toBeInTheDocument());
  });

  it('hides writing actions from readers and shows a designed empty state', async () => {
    fakeServer(() => envelope(200, { data: { items: [], total: 0, page: 1, pageSize: 20, totalPages: 0 } }));
    const view = renderPage(<DatasourcesPage />, { path: '/datasources', route: '/datasources', permissions: ['datasource:read'] });
    teardown = view.teardown;
    expect(await screen.findByText('No datasources yet')).toBeInTheDocument();
    expect(screen.queryByTestId('datasource-new')).toBeNull();
  });
});

describe('SchemaPage', () => {
  it('lists tables with row estimates, filters them, and shows a table’s columns and keys', async () => {
    const server = fakeServer((req) => {
      if (req.url.startsWith('/api/v1/datasources/ds_demo/tables')) {
        return envelope(200, {
          data: {
            tables: [
              {
                name: 'Order',
                kind: 'table',
                rows: 50000,
                dataLength: 3788800,
                columns: [
                  { name: 'id', type: 'integer', fullType: 'integer', nullable: false, key: 'PRI', extra: 'auto_increment', default: null },
                  { name: 'userId', type: 'integer', fullType: 'integer', nullable: true, key: 'MUL', extra: null, default: null },
                  { name: 'status', type: 'varchar', fullType: 'varchar(20)', nullable: false, key: null, extra: null, default: "'NEW'" },
                ],
                indexes: [{ name: 'PRIMARY', columns: ['id'], unique: true, primary: true }],
                foreignKeys: [{ name: 'fk_Order_0', columns: ['userId'], referencedTable: 'User', referencedColumns: ['id'] }],
              },
              { name: 'User', kind: 'table', rows: 5000, columns: [], indexes: [], foreignKeys: [] },
            ],
          },
        });
      }
      return envelope(200, { data: demo });
    });
    const view = renderPage(<SchemaPage />, { path: '/datasources/ds_demo/schema', route: '/datasources/:id/schema' });
    teardown = view.teardown;
    const list = await screen.findByTestId('schema-table-list');
    expect(within(list).getByTestId('schema-table-Order')).toHaveTextContent('~50,000 rows');
    expect(server.seen.some((r) => r.url === '/api/v1/datasources/ds_demo/tables?includeColumns=true&includeIndexes=true')).toBe(true);

    typeInto(screen.getByTestId('schema-filter').querySelector('input') ?? screen.getByTestId('schema-filter'), 'us');
    await waitFor(() => expect(within(list).queryByTestId('schema-table-Order')).toBeNull());
    expect(within(list).getByTestId('schema-table-User')).toBeInTheDocument();
    typeInto(screen.getByTestId('schema-filter').querySelector('input') ?? screen.getByTestId('schema-filter'), '');

    fireEvent.click(await within(list).findByTestId('schema-table-Order'));
    const columns = await screen.findByTestId('schema-columns');
    const idRow = within(columns).getByText('id').closest('tr') as HTMLElement;
    expect(within(idRow).getByTestId('schema-key-PRI')).toBeInTheDocument();
    expect(within(idRow).getByText('auto_increment')).toBeInTheDocument();
    const userIdRow = within(columns).getByText('userId').closest('tr') as HTMLElement;
    expect(within(userIdRow).getByTestId('schema-key-FK')).toHaveTextContent('User.id');
    expect(within(columns).getByText("'NEW'")).toBeInTheDocument();

    fireEvent.click(screen.getByTestId('schema-refresh'));
    await waitFor(() => expect(server.seen.some((r) => r.url.includes('refresh=true'))).toBe(true));
  });
});
