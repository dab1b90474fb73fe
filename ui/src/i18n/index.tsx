// Translations: zh-CN and en-US. Each feature keeps its messages in `messages/<feature>.ts` as
// `{ 'en-US': {...}, 'zh-CN': {...} }` with the same keys; `messages/index.ts` merges them and a
// unit test checks both languages have every key. `useT()` returns `t(key, vars)`; `{name}` in a
// message is replaced by `vars.name`.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { messages } from './messages';

export type Language = 'zh-CN' | 'en-US';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en-US'];

export type Vars = Record<string, string | number>;
export type Translate = (key: string, vars?: Vars) => string;

export function translate(language: Language, key: string, vars?: Vars): string {
  const text = messages[language][key] ?? messages['en-US'][key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : text;
}

const LanguageContext = createContext<Language>('en-US');

export function I18nProvider({ language, children }: { language: Language; children: ReactNode }) {
  return <LanguageContext.Provider value={language}>{children}</LanguageContext.Provider>;
}

export function useLanguage(): Language {
  return useContext(LanguageContext);
}

export function useT(): Translate {
  const language = useContext(LanguageContext);
  return useMemo(() => (key: string, vars?: Vars) => translate(language, key, vars), [language]);
}

/** The browser's preferred language among ours (zh* → zh-CN, else en-US). */
export function detectLanguage(): Language {
  const preferred = typeof navigator === 'undefined' ? 'en-US' : navigator.language;
  return preferred.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}
