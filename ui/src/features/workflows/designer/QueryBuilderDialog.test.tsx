import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toDsl } from '../../queryBuilder/model/dsl';
import { queryBuilderActions } from '../../queryBuilder/queryBuilderSlice';
import { envelope, mockFetch, renderWithApp, signedInStore, type Call } from '../../queryBuilder/test/harness';
import { QueryBuilderDialog } from './QueryBuilderDialog';

const datasource = {
  id: 'ds_1', code: 'demo', name: 'demo', type: 'sqlite', status: 'connected', isDefault: true, readOnly: false,
  allowedRoles: [], readOnlyTables: [], connection: {}, options: {}, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
};
const table = (name: string) => ({
  name, kind: 'table', rows: 100,
  columns: [
    { name: 'id', type: 'integer', fullType: 'integer', nullable: false, key: 'PRI' },
    { name: 'stock', type: 'integer', fullType: 'integer', nullable: false, key: null },
  ],
  indexes: [], foreignKeys: [],
});

function server(c: Call) {
  if (c.path === '/api/v1/datasources') return { body: envelope({ items: [datasource], total: 1, page: 1, pageSize: 100, totalPages: 1 }) };
  if (c.path === '/api/v1/datasources/ds_1/tables') return { body: envelope({ tables: [table('Order'), table('User')] }) };
  if (c.path === '/api/v1/query-builder/validate') {
    return { body: envelope({ valid: true, dialect: 'sqlite', estimatedRows: 1, estimatedTime: 1, sql: 'SELECT 1', warnings: [], advice: [] }) };
  }
  return undefined;
}

function Host({ onUse }: { onUse: (query: unknown, datasourceId: string | null) => void }) {
  const [open, setOpen] = useState(true);
  return open ? <QueryBuilderDialog query={{ tables: [{ name: 'Order', columns: ['id'], where: { id: '${orderId}' } }] }} datasourceId="ds_1" onUse={onUse} onClose={() => setOpen(false)} /> : <div data-testid="closed" />;
}

describe('QueryBuilderDialog', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('edits the node’s query in the builder, hands back the DSL, and leaves the page’s query as it was', async () => {
    mockFetch(server);
    const store = signedInStore();
    // What the query builder page was holding before the dialog opened.
    store.dispatch(queryBuilderActions.datasourceSelected('ds_1'));
    store.dispatch(queryBuilderActions.tableAdded({ name: 'User' }));
    const before = toDsl(store.getState().queryBuilder);
    const onUse = vi.fn();
    renderWithApp(<Host onUse={onUse} />, { store });
    const user = userEvent.setup({ delay: null });

    // The node's query is loaded: its table and its `${variable}` filter value.
    expect(await screen.findByTestId('wf-query-builder')).toHaveTextContent('Order');
    expect(screen.getByDisplayValue('${orderId}')).toBeInTheDocument();
    // Sample values are asked for in the node's words, not a template's.
    expect(await screen.findByTestId('variables-panel')).toHaveTextContent('Workflow variables');
    await user.click(await screen.findByTestId('schema-table-Order'));
    await user.click(await screen.findByTestId('column-Order.stock'));
    await user.click(screen.getByTestId('wf-query-builder-use'));

    await screen.findByTestId('closed');
    expect(onUse).toHaveBeenCalledTimes(1);
    const [query, datasourceId] = onUse.mock.calls[0] as [{ tables: { name: string; columns: string[]; where: unknown }[] }, string];
    expect(datasourceId).toBe('ds_1');
    expect(query.tables[0]?.name).toBe('Order');
    expect(query.tables[0]?.columns).toEqual(expect.arrayContaining(['id', 'stock']));
    expect(JSON.stringify(query.tables[0]?.where)).toContain('${orderId}');
    await waitFor(() => expect(toDsl(store.getState().queryBuilder)).toEqual(before));
  });
});
