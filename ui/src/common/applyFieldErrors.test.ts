import { describe, expect, it, vi } from 'vitest';
import { applyFieldErrors, toNamePath } from './applyFieldErrors';
import type { ApiError } from '../api/errors';

describe('applyFieldErrors', () => {
  it('parses JSON paths', () => {
    expect(toNamePath('name')).toEqual(['name']);
    expect(toNamePath('roles[1]')).toEqual(['roles', 1]);
    expect(toNamePath('connection.host')).toEqual(['connection', 'host']);
    expect(toNamePath('tables[0].joins[2].on')).toEqual(['tables', 0, 'joins', 2, 'on']);
  });

  it('puts errors on their fields and returns the rest', () => {
    const form = { setFields: vi.fn(), getFieldsValue: () => ({ name: '', permissions: [], connection: {} }) };
    const error: ApiError = {
      status: 400,
      code: 1000,
      message: '4 problems',
      errors: [
        { path: 'name', code: 'invalid', message: 'bad name' },
        { path: 'permissions[0]', code: 'invalid', message: 'unknown a' },
        { path: 'permissions[3]', code: 'invalid', message: 'unknown b' },
        { path: 'connection.host', code: 'required', message: 'host needed' },
        { path: 'body', code: 'invalid', message: 'whole body' },
      ],
    };
    const rest = applyFieldErrors(form as never, error);
    expect(form.setFields).toHaveBeenCalledWith([
      { name: ['name'], errors: ['bad name'] },
      { name: ['permissions'], errors: ['unknown a', 'unknown b'] },
      { name: ['connection', 'host'], errors: ['host needed'] },
    ]);
    expect(rest.map((e) => e.path)).toEqual(['body']);
  });
});
