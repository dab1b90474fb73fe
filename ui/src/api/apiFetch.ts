// fetch() for what RTK Query does not suit (downloads, NDJSON streams, uploads), with the same
// bearer token, refresh-and-replay, 429 handling, GET backoff and notifications as every other call.
// Resolves with the Response on success (its body untouched, so it can be streamed); rejects with an
// ApiError otherwise. Bodies must be replayable (string, Blob, FormData, URLSearchParams), not streams.
import { clientSession } from './client';
import { networkError } from './errors';
import { runWithPolicies, type Answer } from './policies';

export interface ApiFetchInit extends RequestInit {
  /** No notifications for this request's errors. */
  silent?: boolean;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.clone().text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function apiFetch(path: string, init: ApiFetchInit = {}): Promise<Response> {
  const { silent, ...rest } = init;
  const method = (rest.method ?? 'GET').toUpperCase();
  const send = async (): Promise<Answer<Response | null>> => {
    const tokenUsed = clientSession().getAccessToken();
    const headers = new Headers(rest.headers);
    if (tokenUsed && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${tokenUsed}`);
    try {
      const response = await fetch(path, { credentials: 'same-origin', ...rest, method, headers });
      const body = response.ok ? undefined : await readBody(response);
      return { status: response.status, headers: response.headers, body, tokenUsed, payload: response };
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      return { status: 'NETWORK_ERROR', cause, tokenUsed, payload: null };
    }
  };
  const { answer, error } = await runWithPolicies(send, { url: path, method, silent, signal: rest.signal ?? undefined });
  if (error) throw error;
  if (!answer.payload) throw networkError(answer.cause);
  return answer.payload;
}
