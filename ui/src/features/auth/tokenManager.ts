// Seed 7.1: refresh the access token 5 minutes before it expires (at once if less remains), again
// after every refresh (the store's new expiresAt reschedules), and end the session if the server
// refuses. Runs whenever the store holds a session: after login and on load with a kept session.
import { endSession } from '../../api/policies';
import { refreshSession } from '../../api/refresh';
import type { UserState } from './userSlice';

export const REFRESH_LEAD_MS = 5 * 60 * 1000;
/** When the server cannot be reached, try again after this long. */
export const RETRY_UNREACHABLE_MS = 30 * 1000;
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

interface SessionSource {
  getState(): { user: UserState };
  subscribe(listener: () => void): () => void;
}

export function startTokenManager(store: SessionSource): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let scheduledFor: string | null = null;

  const clear = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  const armAt = (at: number) => {
    clear();
    const delay = at - Date.now();
    // setTimeout cannot wait longer than ~24.8 days; wait in steps.
    if (delay > MAX_TIMEOUT_MS) timer = setTimeout(() => armAt(at), MAX_TIMEOUT_MS);
    else timer = setTimeout(() => void fire(), Math.max(0, delay));
  };

  const fire = async () => {
    timer = null;
    const outcome = await refreshSession();
    if (outcome === 'rejected') endSession();
    else if (outcome === 'unreachable' && store.getState().user.isAuthenticated) armAt(Date.now() + RETRY_UNREACHABLE_MS);
    // 'refreshed': the store's new expiresAt reschedules through the subscription.
  };

  const sync = () => {
    const { isAuthenticated, expiresAt, refreshToken } = store.getState().user;
    if (!isAuthenticated || !expiresAt || !refreshToken) {
      clear();
      scheduledFor = null;
      return;
    }
    if (expiresAt === scheduledFor) return;
    scheduledFor = expiresAt;
    armAt(Date.parse(expiresAt) - REFRESH_LEAD_MS);
  };

  sync();
  const unsubscribe = store.subscribe(sync);
  return () => {
    unsubscribe();
    clear();
  };
}
