import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { envelope, mockFetch, renderWithApp } from '../queryBuilder/test/harness';
import HistoryPage from './HistoryPage';

const entry = {
  id: 'qh_1',
  datasourceId: 'ds_1',
  query: { tables: [{ name: 'User', columns: ['id'], limit: 5 }] },
  sql: 'SELECT "User"."id" FROM "User" LIMIT 5',
  status: 'success',
  rows: 5,
  duration: 12,
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
};

function Builder() {
  const location = useLocation();
  return <div data-testid="builder">{`${location.pathname}${location.search} ${JSON.stringify(location.state)}`}</div>;
}

describe('HistoryPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists runs and opens one in the builder', { timeout: 30_000 }, async () => {
    const { calls } = mockFetch((c) =>
      c.path === '/api/v1/query/history' ? { body: envelope({ items: [entry], total: 1, page: 1, pageSize: 20, totalPages: 1 }) } : undefined,
    );
    renderWithApp(
      <Routes>
        <Route path="/history" element={<HistoryPage />} />
        <Route path="/query" element={<Builder />} />
      </Routes>,
      { route: '/history' },
    );
    const table = await screen.findByTestId('history-table');
    expect(await within(table).findByText('SELECT "User"."id" FROM "User" LIMIT 5')).toBeInTheDocument();
    expect(within(table).getByText('Succeeded')).toBeInTheDocument();
    expect(within(table).getByText('12 ms')).toBeInTheDocument();
    expect(calls[0]?.search.get('page')).toBe('1');
    await userEvent.setup().click(within(table).getByTestId('history-open'));
    const builder = await screen.findByTestId('builder');
    expect(builder.textContent).toContain('/query?history=qh_1');
    expect(builder.textContent).toContain('"datasourceId":"ds_1"');
  });

  it('has an empty state', { timeout: 30_000 }, async () => {
    mockFetch((c) => (c.path === '/api/v1/query/history' ? { body: envelope({ items: [], total: 0, page: 1, pageSize: 20, totalPages: 0 }) } : undefined));
    renderWithApp(<HistoryPage />, { route: '/history' });
    expect(await screen.findByText('No query yet. Queries you run appear here.')).toBeInTheDocument();
  });
});
