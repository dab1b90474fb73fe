// Application-wide client state (seed 3.1 `app`): a global busy flag and error, and the theme and
// language, which are remembered in localStorage.
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { detectLanguage, LANGUAGES, type Language } from '../i18n';

export type Theme = 'light' | 'dark';

/** Errors in the store stay serialisable: the message and, when there is one, the request id. */
export interface AppErrorInfo {
  message: string;
  requestId?: string;
}

export interface AppState {
  loading: boolean;
  error: AppErrorInfo | null;
  theme: Theme;
  language: Language;
}

export const THEME_KEY = 'quarry.theme';
export const LANGUAGE_KEY = 'quarry.language';

function read(key: string): string | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function loadAppState(): AppState {
  const theme = read(THEME_KEY);
  const language = read(LANGUAGE_KEY);
  return {
    loading: false,
    error: null,
    theme: theme === 'dark' || theme === 'light' ? theme : 'light',
    language: LANGUAGES.includes(language as Language) ? (language as Language) : detectLanguage(),
  };
}

const appSlice = createSlice({
  name: 'app',
  initialState: loadAppState,
  reducers: {
    loadingChanged(state, action: PayloadAction<boolean>) {
      state.loading = action.payload;
    },
    errorRaised(state, action: PayloadAction<AppErrorInfo>) {
      state.error = action.payload;
    },
    errorCleared(state) {
      state.error = null;
    },
    themeChanged(state, action: PayloadAction<Theme>) {
      state.theme = action.payload;
    },
    languageChanged(state, action: PayloadAction<Language>) {
      state.language = action.payload;
    },
  },
});

export const { loadingChanged, errorRaised, errorCleared, themeChanged, languageChanged } = appSlice.actions;
export default appSlice.reducer;
