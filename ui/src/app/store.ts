// The Redux store: RTK Query's cache (all server data) plus client-state slices.
// A feature adds its slice with one line in `reducers` below.
import { combineReducers, configureStore } from '@reduxjs/toolkit';
import { setupListeners } from '@reduxjs/toolkit/query';
import { quarryApi } from '../api/generated';
import { getAccessToken } from '../api/client';
import userReducer, { stateFromSession } from '../features/auth/userSlice';
import { loadSession } from '../features/auth/sessionStorage';
import appReducer, { loadAppState } from './appSlice';
import queryBuilderReducer from '../features/queryBuilder/queryBuilderSlice';

export const reducers = {
  [quarryApi.reducerPath]: quarryApi.reducer,
  user: userReducer,
  app: appReducer,
  queryBuilder: queryBuilderReducer,
  // other features: `queryBuilder: queryBuilderReducer,`
};

const rootReducer = combineReducers(reducers);

export type RootState = ReturnType<typeof rootReducer>;

export function makeStore(preloadedState?: Partial<RootState>) {
  return configureStore({
    reducer: rootReducer,
    preloadedState,
    middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(quarryApi.middleware),
  });
}

export type AppStore = ReturnType<typeof makeStore>;
export type AppDispatch = AppStore['dispatch'];

/** The application's store, starting from the session and preferences a reload kept. */
export const store: AppStore = makeStore({ user: stateFromSession(loadSession()), app: loadAppState() });

setupListeners(store.dispatch);

/** The current access token (for sockets and streams opened by hand). */
export { getAccessToken };
