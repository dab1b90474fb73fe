import { describe, expect, it } from 'vitest';
import { cellText, readResult } from './results';

describe('readResult', () => {
  it('reads the flat rows shape with its meta', () => {
    const r = readResult({
      status: 'success',
      code: 0,
      data: { columns: ['id', 'username', 'id'], rows: [{ id: 1, username: 'a' }], count: 1, total: 40 },
      meta: { processingTime: 0.5, cached: true, datasource: 'demo', requestId: 'r' },
    });
    expect(r).toEqual({
      columns: ['id', 'username'],
      rows: [{ id: 1, username: 'a' }],
      count: 1,
      total: 40,
      processingTime: 0.5,
      cached: true,
      datasource: 'demo',
    });
  });
  it('survives missing parts', () => {
    expect(readResult(undefined)).toMatchObject({ columns: [], rows: [], count: 0, total: null, cached: false });
    expect(readResult({ data: { rows: [{ a: 1 }] } }).columns).toEqual(['a']);
  });
  it('shows cells as text', () => {
    expect(cellText(null)).toBe('');
    expect(cellText(1.5)).toBe('1.5');
    expect(cellText(false)).toBe('false');
    expect(cellText({ a: 1 })).toBe('{"a":1}');
  });
});
