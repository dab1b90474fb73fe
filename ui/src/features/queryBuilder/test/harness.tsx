// Test harness for the query builder, templates and history: the app's real store (with the
// generated `quarryApi`) and providers, a router, and `fetch` answering with envelopes.
import { fireEvent, render, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { expect, vi } from 'vitest';
import { AppProviders } from '../../../app/AppProviders';
import { makeStore, type AppStore } from '../../../app/store';
import { signedOutState } from '../../auth/userSlice';

// jsdom lacks what antd measures with; harmless stand-ins (installed once, never unstubbed).
if (typeof globalThis.ResizeObserver === 'undefined') {
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
}
if (typeof window !== 'undefined' && !window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

export interface Call {
  method: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
}

export type Reply = { status?: number; body: unknown; headers?: Record<string, string> };
export type Handler = (call: Call) => Reply | undefined;

/** A successful envelope around `data`. */
export function envelope(data: unknown, meta: Record<string, unknown> = {}) {
  return {
    status: 'success',
    code: 0,
    message: 'ok',
    data,
    meta: { requestId: 'req_test', processingTime: 1.5, timestamp: '2026-01-01T00:00:00.000Z', ...meta },
  };
}

export function errorEnvelope(code: number, message: string, errors: { path: string; code: string; message: string }[] = []) {
  return { status: 'error', code, message, errors, meta: { requestId: 'req_test', processingTime: 0.1, timestamp: '2026-01-01T00:00:00.000Z' } };
}

/** Replaces `fetch`; unknown requests answer 404 so a test sees what it forgot. */
export function mockFetch(handler: Handler) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), window.location.origin), init);
    const url = new URL(request.url);
    const text = await request.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const call: Call = { method: request.method, path: url.pathname, search: url.searchParams, body };
    calls.push(call);
    const reply = handler(call) ?? { status: 404, body: errorEnvelope(3000, `no mock for ${call.method} ${call.path}`) };
    return new Response(JSON.stringify(reply.body), {
      status: reply.status ?? 200,
      headers: { 'Content-Type': 'application/json', ...reply.headers },
    });
  });
  vi.stubGlobal('fetch', fn);
  return { calls, fn };
}

export function signedInStore(permissions: string[] = ['*']): AppStore {
  return makeStore({
    user: {
      ...signedOutState,
      isAuthenticated: true,
      token: 'test-token',
      permissions,
      currentUser: { id: 'usr_1', username: 'admin', permissions, roles: ['admin'] },
    },
  });
}

export function renderWithApp(ui: ReactNode, { store = signedInStore(), route = '/' }: { store?: AppStore; route?: string } = {}) {
  const result = render(
    <AppProviders store={store}>
      <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
    </AppProviders>,
  );
  return { ...result, store };
}

/** Opens an antd Select and picks the option with this text (in the popup just opened). */
export async function pick(select: HTMLElement, text: RegExp | string) {
  const box = within(select).queryByRole('combobox') ?? select;
  fireEvent.mouseDown(box);
  const popup = await waitFor(() => {
    const open = [...document.querySelectorAll<HTMLElement>('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')].at(-1);
    if (!open) throw new Error('no open dropdown');
    return open;
  });
  const item = within(popup)
    .getAllByText(text)
    .map((el) => el.closest('.ant-select-item-option'))
    .find(Boolean) as HTMLElement;
  fireEvent.click(item);
  await waitFor(() => expect(popup).toHaveClass('ant-select-dropdown-hidden'));
}

