import { describe, expect, it, vi } from 'vitest';
import { downloadFile, filenameFromDisposition } from './download';

describe('filenameFromDisposition', () => {
  it('reads the server form and the RFC 5987 form', () => {
    expect(filenameFromDisposition('attachment; filename="User-20261203-211747.xlsx"')).toBe('User-20261203-211747.xlsx');
    expect(filenameFromDisposition("attachment; filename*=UTF-8''%E7%94%A8%E6%88%B7.csv")).toBe('用户.csv');
    expect(filenameFromDisposition('attachment; filename=plain.csv; size=3')).toBe('plain.csv');
    expect(filenameFromDisposition(null)).toBeNull();
    expect(filenameFromDisposition('inline')).toBeNull();
  });
});

describe('downloadFile', () => {
  it('posts the body and saves the answer under its name', async () => {
    const fetcher = vi.fn(async () =>
      new Response('id\r\n1\r\n', { headers: { 'Content-Disposition': 'attachment; filename="Order-1.csv"' } }),
    );
    const created: string[] = [];
    URL.createObjectURL = vi.fn(() => 'blob:x');
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      created.push(this.download);
    });
    const name = await downloadFile(fetcher, { path: '/api/v1/query/execute', body: { a: 1 }, fallbackName: 'x.csv' });
    expect(name).toBe('Order-1.csv');
    expect(created).toEqual(['Order-1.csv']);
    expect(fetcher).toHaveBeenCalledWith('/api/v1/query/execute', expect.objectContaining({ method: 'POST', body: '{"a":1}' }));
    click.mockRestore();
  });
});
