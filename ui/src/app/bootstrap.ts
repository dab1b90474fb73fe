// Wires a store to the things outside React that need it: the API client's view of the session,
// persistence of the session and preferences, cross-tab session sync, and the token manager.
// Returns a function that undoes all of it (tests create a store per case).
import { configureClient } from '../api/client';
import { quarryApi } from '../api/generated';
import { loadSharedSession, parseSession, saveSession, SESSION_KEY } from '../features/auth/sessionStorage';
import { startTokenManager } from '../features/auth/tokenManager';
import { sessionEnded, sessionSynced, tokensRefreshed } from '../features/auth/userSlice';
import { LANGUAGE_KEY, THEME_KEY } from './appSlice';
import type { AppStore } from './store';

export function bootstrap(store: AppStore): () => void {
  configureClient({
    getAccessToken: () => store.getState().user.token,
    getRefreshToken: () => store.getState().user.refreshToken,
    getLanguage: () => store.getState().app.language,
    onRefreshed: (tokens) => store.dispatch(tokensRefreshed(tokens)),
    onSessionEnded: () => {
      if (!store.getState().user.isAuthenticated) return;
      store.dispatch(sessionEnded());
      store.dispatch(quarryApi.util.resetApiState());
    },
    // Only a remembered session is shared with other tabs.
    readSharedSession: () => (store.getState().user.remember ? loadSharedSession() : null),
  });

  const persist = () => {
    const { user, app } = store.getState();
    saveSession(
      user.isAuthenticated && user.token && user.refreshToken && user.expiresAt && user.currentUser
        ? { token: user.token, refreshToken: user.refreshToken, expiresAt: user.expiresAt, user: user.currentUser, remember: user.remember }
        : null,
    );
    try {
      window.localStorage.setItem(THEME_KEY, app.theme);
      window.localStorage.setItem(LANGUAGE_KEY, app.language);
    } catch {
      // storage full or disabled: preferences last for this visit only
    }
  };
  persist();
  const unsubscribe = store.subscribe(persist);

  const onStorage = (event: StorageEvent) => {
    if (event.key !== SESSION_KEY || event.storageArea !== window.localStorage) return;
    const next = parseSession(event.newValue);
    const { remember, isAuthenticated } = store.getState().user;
    if (next && (remember || !isAuthenticated)) store.dispatch(sessionSynced(next));
    else if (!next && remember) {
      store.dispatch(sessionEnded());
      store.dispatch(quarryApi.util.resetApiState());
    }
  };
  window.addEventListener('storage', onStorage);

  const stopTokens = startTokenManager(store);

  return () => {
    unsubscribe();
    window.removeEventListener('storage', onStorage);
    stopTokens();
  };
}
