// The interceptor both API entry points share (RTK Query's baseQuery and apiFetch), after seed 5.1,
// 5.2 and 7.1 and the Oinone interceptor (seed 003):
//   401 → refresh once (single-flight) and replay; if the session cannot be refreshed, forget it and
//         go to /login?redirect=<here>.
//   429 → wait Retry-After seconds (at most 30, at most twice) and retry, telling the user.
//   GET/HEAD → exponential backoff (3 attempts, 1 s base) on network errors, 502, 503 and 504 only.
//   Then, unless the caller asked for silence: 403, 5xx (with the request id), network and business
//   errors become notifications. The caller always gets an ApiError with `code` and `errors[]`.
import { notify } from '../app/notify';
import { loginPath, navigateTo, currentPath } from '../app/navigation';
import { translate, type Vars } from '../i18n';
import { clientSession } from './client';
import { ErrorCodes, errorFromAnswer, isEnvelope, networkError, parseRetryAfter, type ApiError } from './errors';
import { refreshSession } from './refresh';

export interface Answer<P> {
  status: number | 'NETWORK_ERROR';
  headers?: Headers;
  /** The parsed body (for errors at least). */
  body?: unknown;
  cause?: unknown;
  /** The access token the request carried. */
  tokenUsed: string | null;
  /** What the adapter hands back on success (RTK's result, the fetch Response). */
  payload: P;
}

export interface RequestContext {
  url: string;
  method: string;
  /** No notifications for this request's errors (the caller shows them, e.g. on form fields). */
  silent?: boolean;
  signal?: AbortSignal;
}

export const RETRY = {
  attempts: 3,
  baseDelayMs: 1000,
  max429Waits: 2,
  max429WaitSecs: 30,
} as const;

const IDEMPOTENT = new Set(['GET', 'HEAD']);
const BACKOFF_STATUSES = new Set([502, 503, 504]);
/** Endpoints whose 401 is an answer about credentials, not an expired session. */
const NO_REFRESH = ['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout', '/api/v1/hooks/'];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function t(key: string, vars?: Vars): string {
  return translate(clientSession().getLanguage(), key, vars);
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://x').pathname;
  } catch {
    return url;
  }
}

/** The error an answer represents, or null when it succeeded (2xx and code 0 or no envelope). */
export function answerError<P>(answer: Answer<P>): ApiError | null {
  if (answer.status === 'NETWORK_ERROR') return networkError(answer.cause);
  if (answer.status >= 200 && answer.status < 300) {
    if (isEnvelope(answer.body) && answer.body.code !== 0) return errorFromAnswer(answer.status, answer.body, answer.headers);
    return null;
  }
  return errorFromAnswer(answer.status, answer.body, answer.headers);
}

/** The session is gone: forget it, say so (once: notices are keyed), and go to /login with a way back. */
export function endSession(): void {
  const from = currentPath();
  clientSession().onSessionEnded();
  if (!from.startsWith('/login')) {
    notify({ level: 'warning', title: t('error.sessionExpired'), key: 'session-expired' });
    navigateTo(loginPath(from), { replace: true });
  }
}

export async function runWithPolicies<P>(
  send: () => Promise<Answer<P>>,
  ctx: RequestContext,
): Promise<{ answer: Answer<P>; error: ApiError | null }> {
  const method = ctx.method.toUpperCase();
  const path = pathOf(ctx.url);
  const refreshable = !NO_REFRESH.some((p) => path.startsWith(p));
  let attempt = 1;
  let waits429 = 0;
  let replayed = false;

  for (;;) {
    const answer = await send();
    const aborted = ctx.signal?.aborted ?? false;
    const code = isEnvelope(answer.body) ? answer.body.code : -1;

    if (!aborted && answer.status === 401 && refreshable && code !== ErrorCodes.INVALID_CREDENTIALS) {
      const session = clientSession();
      if (!replayed) {
        replayed = true;
        const current = session.getAccessToken();
        // Someone already refreshed since this request left: just send it again.
        if (current && current !== answer.tokenUsed) continue;
        if (session.getRefreshToken()) {
          const outcome = await refreshSession();
          if (outcome === 'refreshed') continue;
          if (outcome === 'unreachable') {
            // The server could not be asked; the session may still be fine, so keep it.
            if (!ctx.silent) report(networkError(new Error('refresh failed')));
            return { answer, error: answerError(answer) };
          }
        }
      }
      endSession();
      return { answer, error: answerError(answer) };
    }

    if (!aborted && answer.status === 429 && code !== ErrorCodes.LOGIN_THROTTLED && waits429 < RETRY.max429Waits) {
      const secs = parseRetryAfter(answer.headers) ?? 1;
      if (secs <= RETRY.max429WaitSecs) {
        waits429 += 1;
        notify({
          level: 'warning',
          title: t('error.rateLimited'),
          description: t('error.retryingIn', { seconds: Math.ceil(secs) }),
          key: 'rate-limited',
        });
        await sleep(secs * 1000);
        if (!ctx.signal?.aborted) continue;
      }
    }

    const transient = answer.status === 'NETWORK_ERROR' || BACKOFF_STATUSES.has(answer.status);
    if (!aborted && transient && IDEMPOTENT.has(method) && attempt < RETRY.attempts) {
      await sleep(RETRY.baseDelayMs * 2 ** (attempt - 1));
      attempt += 1;
      if (!ctx.signal?.aborted) continue;
    }

    return finish(answer, ctx);
  }
}

function finish<P>(answer: Answer<P>, ctx: RequestContext): { answer: Answer<P>; error: ApiError | null } {
  const error = answerError(answer);
  if (error && !ctx.silent && !ctx.signal?.aborted) report(error);
  return { answer, error };
}

/** Turns an error into the notification the seed asks for. */
export function report(error: ApiError): void {
  const withId = (text: string) => (error.requestId ? `${text}\n${t('error.requestId', { id: error.requestId })}` : text);
  if (error.status === 'NETWORK_ERROR') {
    notify({ level: 'error', title: t('error.network'), description: t('error.networkHint'), key: 'network' });
    return;
  }
  if (error.status === 401) return; // the session handling above already spoke
  if (error.status === 403) {
    notify({ level: 'error', title: t('error.forbidden'), description: error.message, key: `forbidden:${error.message}` });
    return;
  }
  if (error.status === 429) {
    const description =
      error.retryAfter !== undefined ? t('error.retryAfter', { seconds: Math.ceil(error.retryAfter) }) : error.message;
    notify({ level: 'warning', title: t('error.rateLimited'), description, key: 'rate-limited' });
    return;
  }
  if (typeof error.status === 'number' && error.status >= 500) {
    notify({ level: 'error', title: t('error.server'), description: withId(error.message), key: `server:${error.requestId ?? error.message}` });
    return;
  }
  const details = error.errors.map((e) => `${e.path}: ${e.message}`).join('\n');
  notify({
    level: 'error',
    title: t('error.failed'),
    description: withId(details && error.errors.length > 1 ? details : error.message),
  });
}
