// What the API client needs from the session, without importing the store (the store imports the
// API, so the dependency runs the other way): app/store.ts calls configureClient once it exists.
import type { Language } from '../i18n';
import type { RefreshApiResponse } from './generated';

/** The `data` of a login or refresh answer. */
export type SessionTokens = NonNullable<RefreshApiResponse['data']>;

export interface ClientSession {
  getAccessToken(): string | null;
  getRefreshToken(): string | null;
  getLanguage(): Language;
  /** A refresh succeeded: store the new tokens (the refresh token rotates). */
  onRefreshed(tokens: SessionTokens): void;
  /** The session is over (refresh refused, or no session to refresh): forget it locally. */
  onSessionEnded(): void;
  /**
   * The refresh token as another tab last stored it, if it differs from ours (tabs share a
   * session; a refresh token used twice revokes the whole session, so a tab adopts the newer one).
   */
  readSharedSession?(): SessionTokens | null;
}

const unconfigured: ClientSession = {
  getAccessToken: () => null,
  getRefreshToken: () => null,
  getLanguage: () => 'en-US',
  onRefreshed: () => {},
  onSessionEnded: () => {},
};

let session: ClientSession = unconfigured;

export function configureClient(next: ClientSession): void {
  session = next;
}

export function clientSession(): ClientSession {
  return session;
}

/** The current access token, for callers that open sockets or streams themselves. */
export function getAccessToken(): string | null {
  return session.getAccessToken();
}
