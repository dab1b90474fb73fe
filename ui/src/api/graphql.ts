// The Oinone gateway client: `gql(module, query, variables)` POSTs to `/pamirs/{module}` and reacts
// to the answer as an Oinone front end's network interceptor does (seed 003):
//   - errorCode 11500001 / 20080002 (not signed in)  → to `/login?redirect=<current page>`;
//   - errorCode 10050009 (validation)                → returned to the caller as field errors, no toast;
//   - any other error                                → an error notification (repeats shown once);
//   - `extensions.messages` of a successful answer   → notifications by level.
// The gateway answers HTTP 200 even for business errors; errors travel in the body.
import { navigateTo } from '../app/navigation';
import { notify, type Level } from '../app/notify';
import { translate } from '../i18n';
import { clientSession } from './client';
import { refreshSession } from './refresh';

// ---------------------------------------------------------------------------------------------
// The one adapter onto the app shell: token, session refresh, navigation, language. Defaults use
// the REST client's session (api/client.ts, api/refresh.ts) and the router's navigator
// (app/navigation.ts); `configureGraphql` replaces any of them (tests, other shells).
export type TitleKey = 'error' | 'warning' | 'info' | 'success' | 'network' | 'signedOut';

export interface GraphqlEnvironment {
  /** The bearer token, when the app keeps one (the HttpOnly cookie signs same-origin requests too). */
  getAccessToken: () => string | null | undefined;
  /** Renews the access token after a "not signed in" answer; the call is replayed once on success. */
  refresh: () => Promise<'refreshed' | 'rejected' | 'unreachable'>;
  /** Sends the browser to `path`. */
  navigateTo: (path: string) => void;
  /** The current location, used as the login redirect target. */
  currentLocation: () => { pathname: string; search: string };
  /** A notification title in the user's language. */
  title: (key: TitleKey) => string;
}

const defaultEnvironment: GraphqlEnvironment = {
  getAccessToken: () => clientSession().getAccessToken(),
  refresh: () => refreshSession(),
  navigateTo: (path) => navigateTo(path),
  currentLocation: () => ({ pathname: window.location.pathname, search: window.location.search }),
  title: (key) => translate(clientSession().getLanguage(), `dataPages.gql.${key}`),
};

let environment: GraphqlEnvironment = defaultEnvironment;

export function configureGraphql(partial: Partial<GraphqlEnvironment>): void {
  environment = { ...environment, ...partial };
}

/** Restores the defaults (tests). */
export function resetGraphqlEnvironment(): void {
  environment = defaultEnvironment;
}
// ---------------------------------------------------------------------------------------------

export const NOT_SIGNED_IN_CODES = [11500001, 20080002] as const;
export const VALIDATION_CODE = 10050009;

export type MessageLevel = 'DEBUG' | 'INFO' | 'SUCCESS' | 'WARN' | 'ERROR';

export interface GatewayMessage {
  level?: MessageLevel | string;
  message?: string;
  code?: string | number;
  errorType?: string;
  field?: string;
  model?: string;
  path?: unknown;
}

export interface GatewayErrorItem {
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: {
    errorCode?: number | string;
    errorType?: string;
    errorMessage?: string;
    level?: string;
    messages?: GatewayMessage[];
  };
}

export interface GatewayResponse<T> {
  data?: T | null;
  errors?: GatewayErrorItem[];
  extensions?: { success?: boolean; messages?: GatewayMessage[]; extra?: Record<string, unknown> };
}

/** A failed gateway call, serialisable (it travels through RTK Query's cache as a plain object). */
export interface GqlFailure {
  kind: 'network' | 'graphql' | 'signedOut' | 'validation';
  /** The first error's code (Number(errorCode)), when known. */
  code?: number;
  message: string;
  /** Validation errors by field (`path → message`), for forms. */
  fieldErrors: Record<string, string>;
  /** Validation errors that name no field. */
  formErrors: string[];
}

export class GqlRequestError extends Error implements GqlFailure {
  readonly kind: GqlFailure['kind'];
  readonly code?: number;
  readonly fieldErrors: Record<string, string>;
  readonly formErrors: string[];

  constructor(failure: GqlFailure) {
    super(failure.message);
    this.name = 'GqlRequestError';
    this.kind = failure.kind;
    this.code = failure.code;
    this.fieldErrors = failure.fieldErrors;
    this.formErrors = failure.formErrors;
  }

  toJSON(): GqlFailure {
    return {
      kind: this.kind,
      code: this.code,
      message: this.message,
      fieldErrors: this.fieldErrors,
      formErrors: this.formErrors,
    };
  }
}

const LEVEL_TO_NOTIFY: Record<string, Level> = {
  SUCCESS: 'success',
  INFO: 'info',
  DEBUG: 'info',
  WARN: 'warning',
  WARNING: 'warning',
  ERROR: 'error',
};

/** The error code of a gateway error; older servers only put it in the message (`code: 123,`). */
export function errorCodeOf(error: GatewayErrorItem): number | undefined {
  const raw = error.extensions?.errorCode;
  if (raw !== undefined && raw !== null && raw !== '') {
    const n = Number(raw);
    if (Number.isFinite(n)) return n;
  }
  const match = /code: (\d+),/.exec(error.message ?? '');
  return match ? Number(match[1]) : undefined;
}

function errorTextOf(error: GatewayErrorItem): string {
  const messages = (error.extensions?.messages ?? []).map((m) => m.message).filter((m): m is string => !!m);
  if (messages.length) return messages.join('\n');
  if (error.extensions?.errorMessage) return error.extensions.errorMessage;
  const match = /msg: (.*),/.exec(error.message ?? '');
  return match?.[1] ?? error.message ?? '';
}

/** Shows `extensions.messages` by level. */
export function showMessages(messages: GatewayMessage[] | undefined): void {
  for (const m of messages ?? []) {
    if (!m.message) continue;
    const level = LEVEL_TO_NOTIFY[String(m.level ?? 'INFO').toUpperCase()] ?? 'info';
    notify({ level, title: environment.title(level), description: m.message, key: `gql:${level}:${m.message}` });
  }
}

function redirectToLogin(): void {
  const { pathname, search } = environment.currentLocation();
  if (pathname === '/login' || pathname.startsWith('/login/')) return;
  notify({ level: 'warning', title: environment.title('signedOut'), key: 'gql:signedOut' });
  environment.navigateTo(`/login?redirect=${encodeURIComponent(pathname + search)}`);
}

/** Applies seed 003's interceptor to the errors of one answer and describes the failure. */
export function handleErrors(errors: GatewayErrorItem[]): GqlFailure {
  const failure: GqlFailure = { kind: 'graphql', message: '', fieldErrors: {}, formErrors: [] };
  let signedOut = false;
  for (const error of errors) {
    const code = errorCodeOf(error);
    failure.code ??= code;
    const text = errorTextOf(error);
    failure.message ||= text;
    if (code !== undefined && (NOT_SIGNED_IN_CODES as readonly number[]).includes(code)) {
      signedOut = true;
      continue;
    }
    if (code === VALIDATION_CODE) {
      const messages = error.extensions?.messages ?? [];
      let named = false;
      for (const m of messages) {
        const field = m.field ?? (Array.isArray(m.path) ? m.path.join('.') : typeof m.path === 'string' ? m.path : undefined);
        if (field && m.message) {
          failure.fieldErrors[field] = failure.fieldErrors[field] ? `${failure.fieldErrors[field]}; ${m.message}` : m.message;
          named = true;
        } else if (m.message) {
          failure.formErrors.push(m.message);
          named = true;
        }
      }
      if (!named) failure.formErrors.push(text);
      if (failure.kind === 'graphql') failure.kind = 'validation';
      continue;
    }
    notify({
      level: 'error',
      title: environment.title('error'),
      description: text,
      key: `gql:error:${code ?? ''}:${text}`,
    });
  }
  if (signedOut) {
    failure.kind = 'signedOut';
    redirectToLogin();
  }
  return failure;
}

export interface GqlOptions {
  signal?: AbortSignal;
  /** Ask the server for messages at or above this level (`variables.requestStrategy.msgLevel`). */
  msgLevel?: MessageLevel;
}

function isSignedOut(errors: GatewayErrorItem[] | undefined): boolean {
  return (errors ?? []).some((e) => {
    const code = errorCodeOf(e);
    return code !== undefined && (NOT_SIGNED_IN_CODES as readonly number[]).includes(code);
  });
}

async function send<T>(url: string, payload: string, signal: AbortSignal | undefined): Promise<{ body: GatewayResponse<T>; tokenUsed: boolean }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const token = environment.getAccessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    const response = await fetch(url, { method: 'POST', credentials: 'same-origin', headers, body: payload, signal });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    return { body: (await response.json()) as GatewayResponse<T>, tokenUsed: !!token };
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    notify({ level: 'error', title: environment.title('network'), description: message, key: `gql:network:${message}` });
    throw new GqlRequestError({ kind: 'network', message, fieldErrors: {}, formErrors: [] });
  }
}

/**
 * Runs one GraphQL operation on module `module`. Resolves with `data`; rejects with a
 * `GqlRequestError` (already notified, except validation errors, which are for the form).
 * A "not signed in" answer to a call that carried a token first renews the session and replays
 * the call once (a refused operation did nothing, so replaying a mutation is safe).
 */
export async function gql<T>(
  module: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: GqlOptions = {},
): Promise<T> {
  const vars = options.msgLevel
    ? { ...variables, requestStrategy: { msgLevel: options.msgLevel, ...(variables.requestStrategy as object | undefined) } }
    : variables;
  const url = `/pamirs/${encodeURIComponent(module)}`;
  const payload = JSON.stringify({ query, variables: vars });

  let { body, tokenUsed } = await send<T>(url, payload, options.signal);
  if (tokenUsed && isSignedOut(body.errors) && (await environment.refresh()) === 'refreshed') {
    ({ body } = await send<T>(url, payload, options.signal));
  }

  if (body.errors?.length) {
    // Messages alongside errors are shown at ERROR level (the interceptor's default msg level).
    showMessages(body.extensions?.messages?.filter((m) => String(m.level).toUpperCase() === 'ERROR'));
    throw new GqlRequestError(handleErrors(body.errors));
  }
  showMessages(body.extensions?.messages);
  return body.data as T;
}

/** A plain failure out of anything `gql` can throw. */
export function toFailure(error: unknown): GqlFailure {
  if (error instanceof GqlRequestError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'network', message, fieldErrors: {}, formErrors: [] };
}
