import { describe, expect, it } from 'vitest';
import { emptyValues, fromView, mapFieldErrors, toBody } from './datasourceForm';
import type { DatasourceView } from './types';

const view: DatasourceView = {
  id: 'ds_1',
  code: 'sales',
  name: 'Sales',
  type: 'postgres',
  status: 'connected',
  connection: { host: 'db', port: 5432, database: 'sales', username: 'ro', password: '******', ssl: true, timezone: 'Asia/Shanghai' },
  options: { poolSize: 10, timeout: 30000, maxRetries: 3 },
  isDefault: false,
  readOnly: true,
  allowedRoles: [],
  readOnlyTables: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

describe('datasource form values', () => {
  it('creates with the seed body shape', () => {
    const values = { ...emptyValues('mysql'), name: ' Prod ', host: 'db.example.com', database: 'production_db', username: 'readonly_user', password: 'pw', ssl: true, timezone: 'Asia/Shanghai', poolSize: 10, timeout: 30000 };
    expect(toBody(values, 'create')).toEqual({
      name: 'Prod',
      type: 'mysql',
      connection: { host: 'db.example.com', port: 3306, database: 'production_db', username: 'readonly_user', password: 'pw', ssl: true, timezone: 'Asia/Shanghai' },
      options: { poolSize: 10, timeout: 30000, maxRetries: undefined },
      isDefault: false,
      readOnly: false,
      verify: true,
    });
  });

  it('sends only the file for SQLite', () => {
    const body = toBody({ ...emptyValues('sqlite'), name: 'local', database: '/data/app.db', host: 'ignored' }, 'create');
    expect(body.connection).toEqual({ database: '/data/app.db' });
  });

  it('keeps the stored password on update unless a new one is typed or removal is asked', () => {
    const values = fromView(view);
    expect(values.password).toBe('');
    expect(toBody(values, 'update').connection?.password).toBeUndefined();
    expect(toBody({ ...values, password: 'new' }, 'update').connection?.password).toBe('new');
    expect(toBody({ ...values, password: 'typed', clearPassword: true }, 'update').connection?.password).toBe('');
  });

  it('names a test of unnamed settings after the type and leaves out what only saving uses', () => {
    const body = toBody({ ...emptyValues('postgres'), host: 'h', database: 'd', username: 'u' }, 'test');
    expect(body.name).toBe('postgres');
    expect(body).not.toHaveProperty('verify');
    expect(body).not.toHaveProperty('isDefault');
  });

  it('reads a saved datasource back', () => {
    expect(fromView(view)).toMatchObject({ type: 'postgres', host: 'db', port: 5432, ssl: true, timezone: 'Asia/Shanghai', readOnly: true, code: 'sales' });
  });

  it('maps server error paths onto fields', () => {
    expect(
      mapFieldErrors([
        { path: 'name', code: 'required', message: 'is required' },
        { path: 'connection.host', code: 'required', message: 'is required: a host name or address' },
        { path: 'connection.port', code: 'out_of_range', message: 'must be between 1 and 65535' },
        { path: 'options.poolSize', code: 'out_of_range', message: 'must be between 1 and 100' },
        { path: 'allowedRoles[0]', code: 'unknown', message: 'no such role' },
        { path: 'body', code: 'invalid', message: 'bad JSON' },
      ]),
    ).toEqual({
      fields: [
        { name: 'name', errors: ['is required'] },
        { name: 'host', errors: ['is required: a host name or address'] },
        { name: 'port', errors: ['must be between 1 and 65535'] },
        { name: 'poolSize', errors: ['must be between 1 and 100'] },
      ],
      other: ['allowedRoles[0]: no such role', 'bad JSON'],
    });
  });
});
