// Refreshing the session, single-flight (seed 7.1): every caller that needs a new access token at
// the same moment (concurrent 401s, the token manager's timer) shares one POST /api/v1/auth/refresh.
// A refresh token is valid once and reusing one revokes the whole session, so this matters; across
// browser tabs the Web Locks API serialises refreshes and a tab adopts a token another tab just got.
import { clientSession, type SessionTokens } from './client';
import { isEnvelope } from './errors';

export type RefreshOutcome = 'refreshed' | 'rejected' | 'unreachable';

export const REFRESH_URL = '/api/v1/auth/refresh';
const LOCK_NAME = 'quarry-session-refresh';
/** A token another tab stored is adopted instead of refreshing again when it lives at least this long. */
const ADOPT_MIN_MS = 60_000;

let inflight: Promise<RefreshOutcome> | null = null;

export function refreshSession(): Promise<RefreshOutcome> {
  if (!inflight) {
    inflight = withLock(exchange).finally(() => {
      inflight = null;
    });
  }
  return inflight;
}

/** Whether a refresh is running (the interceptor waits for it rather than starting another). */
export function refreshInFlight(): boolean {
  return inflight !== null;
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  if (!locks) return fn();
  return locks.request(LOCK_NAME, fn) as Promise<T>;
}

async function exchange(): Promise<RefreshOutcome> {
  const session = clientSession();
  const ours = session.getRefreshToken();
  const shared = session.readSharedSession?.() ?? null;
  if (shared && shared.refreshToken !== ours && Date.parse(shared.expiresAt) - Date.now() > ADOPT_MIN_MS) {
    session.onRefreshed(shared);
    return 'refreshed';
  }
  const refreshToken = shared?.refreshToken ?? ours;
  if (!refreshToken) return 'rejected';

  let response: Response;
  try {
    response = await fetch(REFRESH_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
      credentials: 'same-origin',
    });
  } catch {
    return 'unreachable';
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.ok && isEnvelope(body) && body.code === 0 && body.data) {
    session.onRefreshed(body.data as SessionTokens);
    return 'refreshed';
  }
  // 5xx and 429 are the server's trouble, not a verdict on the token: try again later.
  if (response.status >= 500 || response.status === 429) return 'unreachable';
  return 'rejected';
}
