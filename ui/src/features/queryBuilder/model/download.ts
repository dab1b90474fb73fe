// Downloads of a query's result (CSV, Excel): the file name from Content-Disposition.

/** `attachment; filename="a.csv"` or `filename*=UTF-8''a%20b.csv` → the file name. */
export function filenameFromDisposition(header: string | null | undefined): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star?.[2]) {
    try {
      return decodeURIComponent(star[2].trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through to the plain form */
    }
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  if (quoted?.[1] !== undefined) return quoted[1].replace(/\\(.)/g, '$1');
  const plain = /filename\s*=\s*([^;]+)/i.exec(header);
  return plain?.[1]?.trim() || null;
}

/** A fetch-like function (the API client's `apiFetch`). */
export type Fetcher = (path: string, init?: RequestInit & { silent?: boolean }) => Promise<Response>;

export interface DownloadRequest {
  path: string;
  body: unknown;
  /** Used when the answer names no file. */
  fallbackName: string;
  signal?: AbortSignal;
}

/** Posts the request and saves the answer as a file; resolves with the file name. */
export async function downloadFile(fetcher: Fetcher, req: DownloadRequest): Promise<string> {
  const response = await fetcher(req.path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(req.body),
    signal: req.signal,
  });
  const name = filenameFromDisposition(response.headers.get('Content-Disposition')) ?? req.fallbackName;
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    // Give the browser a moment to start the download before the URL goes.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return name;
}
