import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { envelope, fakeServer, notificationSpy, type SeenRequest } from '../../app/testUtils';
import fixture from './__fixtures__/demoIntrospection.json';
import ModelPage from './ModelPage';
import { gqlBody, renderPage, typeInto } from './testing';

// antd's first render in jsdom is slow on a busy machine.

const demo = {
  id: 'ds_demo',
  code: 'demo',
  name: 'demo',
  type: 'sqlite',
  status: 'connected',
  statusStage: null,
  statusReason: null,
  connection: { host: '', port: 0, database: '/tmp/demo.db', username: '', password: null, ssl: false, timezone: null },
  options: { poolSize: 4, timeout: 30000, maxRetries: 3 },
  isDefault: true,
  readOnly: false,
  allowedRoles: [],
  readOnlyTables: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

const rows = [
  { id: '9', name: 'Research', budget: '113352.96', createdAt: '2020-05-21 09:00:00' },
  { id: '7', name: 'Legal', budget: '97514.22', createdAt: '2020-04-17 09:00:00' },
];

function gqlAnswer(body: unknown) {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
}

type Handler = (req: SeenRequest, q: ReturnType<typeof gqlBody>) => Response | undefined;
let mutationHandler: Handler = () => undefined;
let server: ReturnType<typeof fakeServer>;
let teardown: () => void = () => {};

beforeEach(() => {
  mutationHandler = () => undefined;
  server = fakeServer((req) => {
    if (req.url.startsWith('/api/v1/datasources?')) {
      return envelope(200, { data: { items: [demo], total: 1, page: 1, pageSize: 100, totalPages: 1 } });
    }
    if (req.url.startsWith('/api/v1/datasources/ds_demo/tables')) {
      return envelope(200, {
        data: {
          tables: [{ name: 'Department', kind: 'table', rows: 12, columns: [{ name: 'id', key: 'PRI' }, { name: 'name', key: 'UNI' }] }],
        },
      });
    }
    if (req.url === '/pamirs/demo') {
      const q = gqlBody(req.body);
      if (q.query.includes('__schema')) return gqlAnswer({ data: fixture, extensions: { success: true, messages: [] } });
      if (q.query.includes('queryPage')) {
        return gqlAnswer({
          data: { departmentQuery: { queryPage: { content: rows, size: 15, currentPage: 1, totalPages: 1, totalElements: '2' } } },
          extensions: { success: true, messages: [] },
        });
      }
      const answer = mutationHandler(req, q);
      if (answer) return answer;
    }
    return envelope(404, { code: 3000, message: `unexpected ${req.method} ${req.url}` });
  });
});

afterEach(() => {
  teardown();
  vi.unstubAllGlobals();
});

const gqlCalls = (word: string) => server.seen.filter((r) => r.url === '/pamirs/demo' && gqlBody(r.body).query.includes(word));

async function openPage() {
  const view = renderPage(<ModelPage />, { path: '/data/demo/department', route: '/data/:module/:model' });
  teardown = view.teardown;
  await screen.findByText('Research');
  return view;
}

describe('ModelPage', () => {
  it('lists records through queryPage and applies an RSQL filter', async () => {
    await openPage();
    const first = gqlBody(gqlCalls('queryPage')[0]!.body);
    expect(first.query).toContain('departmentQuery');
    expect(first.query).toContain('content { id name budget createdAt }');
    expect(first.variables).toEqual({ page: { currentPage: 1, size: 15 }, queryWrapper: {} });
    expect(server.seen.find((r) => r.url === '/pamirs/demo')?.authorization).toBe('Bearer access-1');
    expect(within(screen.getByTestId('record-table')).getByText('Legal')).toBeInTheDocument();

    fireEvent.click(screen.getByText('RSQL'));
    typeInto(screen.getByTestId('filter-raw'), 'name=like="Le"');
    fireEvent.click(screen.getByTestId('filter-apply'));
    await waitFor(() => expect(gqlCalls('queryPage').length).toBe(2));
    expect(gqlBody(gqlCalls('queryPage')[1]!.body).variables.queryWrapper).toEqual({ rsql: 'name=like="Le"' });
  });

  it('creates a record: typed inputs, server validation errors on the field, success message', async () => {
    await openPage();
    // After the providers mounted (they hand antd's notification instance to notify()).
    const notes = notificationSpy();
    let attempt = 0;
    mutationHandler = (_req, q) => {
      if (!q.query.includes('create(')) return undefined;
      attempt += 1;
      if (attempt === 1) {
        return gqlAnswer({
          data: { departmentMutation: null },
          errors: [
            {
              message: '数据校验失败',
              extensions: {
                errorCode: 10050009,
                errorType: 'BIZ_ERROR',
                messages: [{ level: 'ERROR', message: 'must be at most 12 digits', code: '10050009', field: 'budget' }],
              },
            },
          ],
          extensions: { success: false, messages: [] },
        });
      }
      return gqlAnswer({
        data: { departmentMutation: { create: { id: '14', name: 'Ops', budget: '12.5', createdAt: null } } },
        extensions: { success: true, messages: [{ level: 'SUCCESS', message: '创建成功 (created)' }] },
      });
    };

    fireEvent.click(screen.getByTestId('record-new'));
    const name = await screen.findByTestId('record-field-name');
    typeInto(name, 'Ops');
    typeInto(screen.getByTestId('record-field-budget'), 'twelve');
    fireEvent.click(screen.getByTestId('record-save'));
    // Refused before sending: BigDecimal wants digits.
    expect(await screen.findByText('Enter a decimal number (digits and one point)')).toBeInTheDocument();
    expect(gqlCalls('create(').length).toBe(0);

    typeInto(screen.getByTestId('record-field-budget'), '1234567890123.5');
    fireEvent.click(screen.getByTestId('record-save'));
    expect(await screen.findByText('must be at most 12 digits')).toBeInTheDocument();
    const sent = gqlBody(gqlCalls('create(')[0]!.body);
    expect(sent.variables).toEqual({ data: { name: 'Ops', budget: '1234567890123.5' }, requestStrategy: { msgLevel: 'SUCCESS' } });
    expect(notes.filter((n) => n.level === 'error')).toEqual([]);

    typeInto(screen.getByTestId('record-field-budget'), '12.5');
    fireEvent.click(screen.getByTestId('record-save'));
    await waitFor(() => expect(notes.some((n) => n.level === 'success' && n.description === '创建成功 (created)')).toBe(true));
    // The list is read again after the change.
    await waitFor(() => expect(gqlCalls('queryPage').length).toBe(2));
  });

  it('updates only the changed fields plus the primary key', async () => {
    await openPage();
    mutationHandler = (_req, q) =>
      q.query.includes('update(')
        ? gqlAnswer({ data: { departmentMutation: { update: { ...rows[1], budget: '1' } } }, extensions: { success: true, messages: [] } })
        : undefined;
    const legalRow = screen.getByText('Legal').closest('tr')!;
    fireEvent.click(within(legalRow as HTMLElement).getByTestId('record-edit'));
    const budget = await screen.findByTestId('record-field-budget');
    await waitFor(() => expect(budget).toHaveValue('97514.22'));
    expect(screen.getByTestId('record-field-id')).toBeDisabled();
    typeInto(budget, '1');
    fireEvent.click(screen.getByTestId('record-save'));
    await waitFor(() => expect(gqlCalls('update(').length).toBe(1));
    expect(gqlBody(gqlCalls('update(')[0]!.body).variables.data).toEqual({ id: '7', budget: '1' });
  });

  it('deletes a record by its primary key after confirmation', async () => {
    await openPage();
    mutationHandler = (_req, q) =>
      q.query.includes('delete(')
        ? gqlAnswer({ data: { departmentMutation: { delete: [rows[0]] } }, extensions: { success: true, messages: [] } })
        : undefined;
    const researchRow = screen.getByText('Research').closest('tr')!;
    fireEvent.click(within(researchRow as HTMLElement).getByTestId('record-delete'));
    await act(async () => {
      fireEvent.click(await screen.findByTestId('record-delete-confirm'));
    });
    await waitFor(() => expect(gqlCalls('delete(').length).toBe(1));
    const sent = gqlBody(gqlCalls('delete(')[0]!.body);
    expect(sent.query).toContain('delete(dataList: $dataList)');
    expect(sent.variables.dataList).toEqual([{ id: '9' }]);
  });

  it('says so when the module has no such model', async () => {
    const view = renderPage(<ModelPage />, { path: '/data/demo/nosuch', route: '/data/:module/:model' });
    teardown = view.teardown;
    expect(await screen.findByText('Module "demo" has no model "nosuch".')).toBeInTheDocument();
  });
});
