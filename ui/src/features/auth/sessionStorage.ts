// Where a session survives a reload: localStorage when "remember me" was ticked (shared by tabs),
// sessionStorage otherwise (this tab only, gone with the browser). The server also sets an HttpOnly
// `quarry_token` cookie, which the GraphQL gateway reads; scripts never see it.
import type { SessionTokens } from '../../api/client';

export const SESSION_KEY = 'quarry.session';

export interface PersistedSession extends SessionTokens {
  remember: boolean;
}

/** This tab's session first, then the shared one. */
function storages(): Storage[] {
  if (typeof window === 'undefined') return [];
  return [window.sessionStorage, window.localStorage];
}

function parse(raw: string | null): PersistedSession | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<PersistedSession>;
    if (typeof value.token !== 'string' || typeof value.refreshToken !== 'string' || typeof value.expiresAt !== 'string' || !value.user) {
      return null;
    }
    return value as PersistedSession;
  } catch {
    return null;
  }
}

export function loadSession(): PersistedSession | null {
  for (const storage of storages()) {
    const found = parse(storage.getItem(SESSION_KEY));
    if (found) return found;
  }
  return null;
}

/** The session as tabs share it (localStorage only). */
export function loadSharedSession(): PersistedSession | null {
  return typeof window === 'undefined' ? null : parse(window.localStorage.getItem(SESSION_KEY));
}

export function parseSession(raw: string | null): PersistedSession | null {
  return parse(raw);
}

let lastWritten: string | null = null;

export function saveSession(session: PersistedSession | null): void {
  if (typeof window === 'undefined') return;
  const raw = session ? JSON.stringify(session) : null;
  if (raw === lastWritten) return;
  lastWritten = raw;
  if (!session || !raw) {
    window.localStorage.removeItem(SESSION_KEY);
    window.sessionStorage.removeItem(SESSION_KEY);
    return;
  }
  if (session.remember) {
    window.localStorage.setItem(SESSION_KEY, raw);
    window.sessionStorage.removeItem(SESSION_KEY);
  } else {
    // Leaves localStorage alone: another tab's remembered session may live there.
    window.sessionStorage.setItem(SESSION_KEY, raw);
  }
}
