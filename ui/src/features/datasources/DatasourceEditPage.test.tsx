import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { envelope, fakeServer } from '../../app/testUtils';
import { renderPage, typeInto } from '../dataPages/testing';
import DatasourceEditPage from './DatasourceEditPage';


let teardown: () => void = () => {};
afterEach(() => {
  teardown();
  vi.unstubAllGlobals();
});

const saved = {
  id: 'ds_pg',
  code: 'sales',
  name: 'Sales',
  type: 'postgres',
  status: 'error',
  statusStage: 'tcpConnect',
  statusReason: 'refused',
  connection: { host: 'db.internal', port: 5432, database: 'sales', username: 'ro', password: '******', ssl: false, timezone: null },
  options: { poolSize: 10, timeout: 30000, maxRetries: 3 },
  isDefault: false,
  readOnly: false,
  allowedRoles: [],
  readOnlyTables: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

function open(path: string) {
  const view = renderPage(<DatasourceEditPage />, { path, route: path.includes('edit') ? '/datasources/:id/edit' : '/datasources/new' });
  teardown = view.teardown;
}

const field = (name: string) => screen.getByTestId(`datasource-field-${name}`);

describe('DatasourceEditPage', () => {
  it('tests unsaved settings and shows the failing stage and message', async () => {
    const server = fakeServer(() =>
      envelope(200, {
        data: { success: false, latency: 0, version: null, charset: null, timezone: null, readOnly: null, stage: 'tcpConnect', message: 'cannot connect to 127.0.0.1:5999: Connection refused' },
      }),
    );
    open('/datasources/new');
    typeInto(await screen.findByTestId('datasource-field-name'), 'pg');
    typeInto(field('host'), '127.0.0.1');
    typeInto(field('database'), 'x');
    typeInto(field('username'), 'u');
    fireEvent.click(screen.getByTestId('datasource-test'));
    const result = await screen.findByTestId('datasource-test-result');
    expect(result).toHaveAttribute('data-success', 'false');
    expect(result).toHaveTextContent('Connection failed at stage "TCP connect"');
    expect(result).toHaveTextContent('Connection refused');
    const request = server.seen[0]!;
    expect(request.url).toBe('/api/v1/datasources/test');
    expect(JSON.parse(request.body!)).toMatchObject({ name: 'pg', type: 'mysql', connection: { host: '127.0.0.1', port: 3306, database: 'x', username: 'u' } });
  });

  it('shows latency, version and charset of a successful test', async () => {
    fakeServer(() =>
      envelope(200, { data: { success: true, latency: 45, version: '8.0.33', charset: 'utf8mb4', timezone: 'UTC', readOnly: false, stage: null, message: 'connected' } }),
    );
    open('/datasources/new');
    typeInto(await screen.findByTestId('datasource-field-host'), 'db');
    fireEvent.click(screen.getByTestId('datasource-test'));
    const result = await screen.findByTestId('datasource-test-result');
    expect(result).toHaveAttribute('data-success', 'true');
    expect(result).toHaveTextContent('Connected in 45 ms');
    expect(result).toHaveTextContent('8.0.33');
    expect(result).toHaveTextContent('utf8mb4');
  });

  it('puts the server errors[] on their fields when saving fails', async () => {
    fakeServer(() =>
      envelope(400, {
        code: 1000,
        message: '2 problems in the request',
        errors: [
          { path: 'connection.port', code: 'out_of_range', message: 'must be between 1 and 65535' },
          { path: 'options.poolSize', code: 'out_of_range', message: 'must be between 1 and 100' },
        ],
      }),
    );
    open('/datasources/new');
    typeInto(await screen.findByTestId('datasource-field-name'), 'pg');
    typeInto(field('host'), 'db');
    typeInto(field('database'), 'x');
    typeInto(field('username'), 'u');
    fireEvent.click(screen.getByTestId('datasource-save'));
    expect(await screen.findByText('must be between 1 and 65535')).toBeInTheDocument();
    expect(screen.getByText('must be between 1 and 100')).toBeInTheDocument();
    expect(screen.getByTestId('datasource-form-error')).toHaveTextContent('Some settings need fixing');
  });

  it('shows why a connection refused on create was not saved', async () => {
    fakeServer(() =>
      envelope(422, {
        code: 6001,
        message: 'cannot connect (TcpConnect): refused; nothing was saved',
        data: { success: false, latency: 0, stage: 'tcpConnect', message: 'Connection refused', version: null, charset: null, timezone: null, readOnly: null },
      }),
    );
    open('/datasources/new');
    typeInto(await screen.findByTestId('datasource-field-name'), 'pg');
    typeInto(field('host'), 'db');
    typeInto(field('database'), 'x');
    typeInto(field('username'), 'u');
    fireEvent.click(screen.getByTestId('datasource-save'));
    expect(await screen.findByTestId('datasource-test-result')).toHaveAttribute('data-stage', 'tcpConnect');
    expect(screen.getByTestId('datasource-form-error')).toHaveTextContent('nothing was saved');
    expect(screen.queryByTestId('elsewhere')).not.toBeInTheDocument();
  });

  it('edits: password shown as unchanged and left out; untouched settings test the saved datasource', async () => {
    const server = fakeServer((req) => {
      if (req.method === 'GET') return envelope(200, { data: saved });
      if (req.url.endsWith('/test')) {
        return envelope(200, { data: { success: true, latency: 3, version: '16.2', charset: 'UTF8', timezone: 'UTC', readOnly: false, stage: null, message: 'connected' } });
      }
      return envelope(200, { data: { ...saved, name: 'Sales 2' } });
    });
    open('/datasources/ds_pg/edit');
    await waitFor(() => expect(field('host')).toHaveValue('db.internal'));
    expect(field('password')).toHaveAttribute('placeholder', 'Unchanged (leave empty to keep the stored password)');
    expect(field('code')).toBeDisabled();

    fireEvent.click(screen.getByTestId('datasource-test'));
    await screen.findByTestId('datasource-test-result');
    expect(server.seen.map((r) => `${r.method} ${r.url}`).join(' | ')).toContain('POST /api/v1/datasources/ds_pg/test');

    typeInto(field('name'), 'Sales 2');
    fireEvent.click(screen.getByTestId('datasource-save'));
    await waitFor(() => expect(screen.getByTestId('elsewhere')).toBeInTheDocument());
    const put = server.seen.find((r) => r.method === 'PUT')!;
    expect(put.url).toBe('/api/v1/datasources/ds_pg');
    const body = JSON.parse(put.body!);
    expect(body.name).toBe('Sales 2');
    expect(body.connection).not.toHaveProperty('password');
    expect(body).not.toHaveProperty('code');
  });
});
