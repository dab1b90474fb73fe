// Helpers for tests: a fake server behind fetch(), a store wired like the app's, and a rendered app.
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes, RouterProvider } from 'react-router-dom';
import { vi } from 'vitest';
import type { SessionTokens } from '../api/client';
import { stateFromSession } from '../features/auth/userSlice';
import { AppProviders } from './AppProviders';
import { loadAppState } from './appSlice';
import { bootstrap } from './bootstrap';
import { setNotificationInstance } from './notify';
import { createTestRouter } from './router';
import type { AppRoute } from './routes';
import { makeStore, type AppStore } from './store';

/** antd asks for matchMedia and ResizeObserver, which jsdom lacks. */
export function installDomPolyfills(): void {
  if (!window.matchMedia) {
    Object.defineProperty(window, 'matchMedia', {
      configurable: true,
      value: (query: string) => ({
        matches: false,
        media: query,
        onchange: null,
        addListener: () => {},
        removeListener: () => {},
        addEventListener: () => {},
        removeEventListener: () => {},
        dispatchEvent: () => false,
      }),
    });
  }
  if (!('ResizeObserver' in window)) {
    class ResizeObserver {
      observe() {}
      unobserve() {}
      disconnect() {}
    }
    Object.defineProperty(window, 'ResizeObserver', { configurable: true, value: ResizeObserver });
  }
}

let requestCounter = 0;

export function envelope(status: number, body: { code?: number; data?: unknown; message?: string; errors?: unknown[] }, headers: Record<string, string> = {}) {
  const code = body.code ?? 0;
  return new Response(
    JSON.stringify({
      status: code === 0 ? 'success' : 'error',
      code,
      message: body.message ?? (code === 0 ? 'ok' : 'failed'),
      data: body.data ?? null,
      ...(body.errors ? { errors: body.errors } : {}),
      meta: { processingTime: 1, timestamp: '2026-01-01T00:00:00.000Z', requestId: `req_test_${++requestCounter}` },
    }),
    { status, headers: { 'Content-Type': 'application/json', ...headers } },
  );
}

export interface SeenRequest {
  url: string;
  method: string;
  authorization: string | null;
  body: string | null;
}

/** Replaces fetch with `handler`, recording every request. */
export function fakeServer(handler: (req: SeenRequest, index: number) => Response | Promise<Response>) {
  const seen: SeenRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    const body = request.method === 'GET' || request.method === 'HEAD' ? null : await request.clone().text();
    const seenRequest = {
      url: new URL(request.url).pathname + new URL(request.url).search,
      method: request.method,
      authorization: request.headers.get('Authorization'),
      body,
    };
    seen.push(seenRequest);
    return handler(seenRequest, seen.length - 1);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { seen, fetchMock };
}

export function tokens(overrides: Partial<SessionTokens> = {}, permissions: string[] = ['*']): SessionTokens {
  return {
    token: 'access-1',
    refreshToken: 'refresh-1',
    expiresAt: new Date(Date.now() + 15 * 60 * 1000).toISOString(),
    user: { id: 'user_1', username: 'admin', email: null, avatar: null, roles: ['admin'], permissions },
    ...overrides,
  };
}

/** A store like the app's (optionally signed in), wired to the API client. */
export function testStore(session?: SessionTokens | null): { store: AppStore; teardown: () => void } {
  const store = makeStore({
    user: stateFromSession(session ? { ...session, remember: true } : null),
    app: { ...loadAppState(), language: 'en-US' },
  });
  const teardown = bootstrap(store);
  return { store, teardown };
}

export function notificationSpy() {
  const calls: { level: string; message: unknown; description: unknown }[] = [];
  const make = (level: string) => (args: { message?: unknown; title?: unknown; description?: unknown }) =>
    calls.push({ level, message: args.message ?? args.title, description: args.description });
  setNotificationInstance({
    success: make('success'),
    info: make('info'),
    warning: make('warning'),
    error: make('error'),
    open: make('open'),
    destroy: () => {},
  } as never);
  return calls;
}

export function renderApp(store: AppStore, path: string, pages?: AppRoute[]) {
  const router = createTestRouter([path], pages);
  const view = render(
    <AppProviders store={store}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { ...view, router };
}

/** Renders one page at `path` (matched by `route`) with the app's providers and a fresh store; any other route renders `elsewhere`. */
export function renderPage(element: ReactNode, { path = '/', route = '/', permissions = ['*'] }: { path?: string; route?: string; permissions?: string[] } = {}) {
  installDomPolyfills();
  const { store, teardown } = testStore(tokens({}, permissions));
  const view = render(
    <AppProviders store={store}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path={route} element={element} />
          <Route path="*" element={<div data-testid="elsewhere" />} />
        </Routes>
      </MemoryRouter>
    </AppProviders>,
  );
  return { ...view, store, teardown };
}
