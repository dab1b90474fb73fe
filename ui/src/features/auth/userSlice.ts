// The signed-in user (seed 3.1 `user`), plus the refresh token and expiry the token manager needs.
// Login and /auth/me answers arrive through RTK Query and are picked up here by matchers.
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { SessionTokens } from '../../api/client';
import { quarryApi, type CurrentUser } from '../../api/generated';
import type { PersistedSession } from './sessionStorage';

export interface UserState {
  currentUser: CurrentUser | null;
  token: string | null;
  refreshToken: string | null;
  /** ISO-8601 expiry of `token`. */
  expiresAt: string | null;
  permissions: string[];
  isAuthenticated: boolean;
  /** Whether the session outlives the browser (stored in localStorage rather than sessionStorage). */
  remember: boolean;
}

export const signedOutState: UserState = {
  currentUser: null,
  token: null,
  refreshToken: null,
  expiresAt: null,
  permissions: [],
  isAuthenticated: false,
  remember: false,
};

export function stateFromSession(session: PersistedSession | null): UserState {
  if (!session) return signedOutState;
  return {
    currentUser: session.user,
    token: session.token,
    refreshToken: session.refreshToken,
    expiresAt: session.expiresAt,
    permissions: session.user.permissions,
    isAuthenticated: true,
    remember: session.remember,
  };
}

function apply(state: UserState, tokens: SessionTokens): void {
  state.token = tokens.token;
  state.refreshToken = tokens.refreshToken;
  state.expiresAt = tokens.expiresAt;
  state.currentUser = tokens.user;
  state.permissions = tokens.user.permissions;
  state.isAuthenticated = true;
}

const userSlice = createSlice({
  name: 'user',
  initialState: signedOutState,
  reducers: {
    signedIn(state, action: PayloadAction<SessionTokens & { remember: boolean }>) {
      apply(state, action.payload);
      state.remember = action.payload.remember;
    },
    tokensRefreshed(state, action: PayloadAction<SessionTokens>) {
      apply(state, action.payload);
    },
    /** Another tab changed the shared session. */
    sessionSynced(_state, action: PayloadAction<PersistedSession | null>) {
      return stateFromSession(action.payload);
    },
    sessionEnded() {
      return signedOutState;
    },
  },
  extraReducers: (builder) => {
    builder
      .addMatcher(quarryApi.endpoints.login.matchFulfilled, (state, action) => {
        if (!action.payload.data) return;
        apply(state, action.payload.data);
        state.remember = action.meta.arg.originalArgs.loginBody.rememberMe ?? false;
      })
      .addMatcher(quarryApi.endpoints.me.matchFulfilled, (state, action) => {
        const user = action.payload.data;
        if (!user || !state.isAuthenticated) return;
        state.currentUser = user;
        state.permissions = user.permissions;
      });
  },
});

export const { signedIn, tokensRefreshed, sessionSynced, sessionEnded } = userSlice.actions;
export default userSlice.reducer;
