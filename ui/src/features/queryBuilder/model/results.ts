// A query's answer in the flat shape (`options.shape: "rows"`): the OpenAPI document types the
// execute answer as a bare object, so it is read defensively here.

export type Row = Record<string, unknown>;

export interface QueryResult {
  columns: string[];
  rows: Row[];
  count: number;
  total: number | null;
  processingTime: number | null;
  cached: boolean;
  datasource: string | null;
}

const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/** Reads an execute envelope (`{data: {columns, rows, count, total?}, meta}`). */
export function readResult(envelope: unknown): QueryResult {
  const e = rec(envelope);
  const data = rec(e.data);
  const meta = rec(e.meta);
  const rows = Array.isArray(data.rows) ? (data.rows as unknown[]).map(rec) : [];
  const declared = Array.isArray(data.columns) ? data.columns.filter((c): c is string => typeof c === 'string') : [];
  // Two tables' columns of the same name share one key in a flat row; show each name once.
  const columns = [...new Set(declared.length ? declared : Object.keys(rows[0] ?? {}))];
  return {
    columns,
    rows,
    count: typeof data.count === 'number' ? data.count : rows.length,
    total: typeof data.total === 'number' ? data.total : null,
    processingTime: typeof meta.processingTime === 'number' ? meta.processingTime : null,
    cached: meta.cached === true,
    datasource: typeof meta.datasource === 'string' ? meta.datasource : null,
  };
}

/** A cell as text (null shown separately by the grid). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
