import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { envelope, fakeServer, notificationSpy, testStore, tokens } from '../app/testUtils';
import { setNavigator } from '../app/navigation';
import type { AppStore } from '../app/store';
import { apiFetch } from './apiFetch';
import { quarryApi } from './generated';
import { isApiError, type ApiError } from './errors';
import { dedupe } from './dedupe';

let store: AppStore;
let teardown: () => void;
let navigate: ReturnType<typeof vi.fn<(path: string, options?: { replace?: boolean }) => void>>;
let notes: ReturnType<typeof notificationSpy>;

beforeEach(() => {
  window.localStorage.clear();
  window.sessionStorage.clear();
  ({ store, teardown } = testStore(tokens()));
  navigate = vi.fn<(path: string, options?: { replace?: boolean }) => void>();
  setNavigator(navigate);
  notes = notificationSpy();
  window.history.replaceState(null, '', '/admin/users?page=2');
});

afterEach(() => {
  teardown();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (isApiError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const refreshed = tokens({ token: 'access-2', refreshToken: 'refresh-2' });

describe('401 handling', () => {
  it('refreshes once for concurrent 401s and replays every request with the new token', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { seen } = fakeServer(async (req) => {
      if (req.url === '/api/v1/auth/refresh') {
        await gate;
        return envelope(200, { data: refreshed });
      }
      if (req.authorization === 'Bearer access-1') return envelope(401, { code: 2002, message: 'token expired' });
      return envelope(200, { data: { path: req.url } });
    });

    const calls = [apiFetch('/api/v1/a'), apiFetch('/api/v1/b'), apiFetch('/api/v1/c', { method: 'POST', body: '{}' })];
    await vi.waitFor(() => expect(seen.filter((r) => r.url === '/api/v1/auth/refresh')).toHaveLength(1));
    release();
    const responses = await Promise.all(calls);

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const refreshes = seen.filter((r) => r.url === '/api/v1/auth/refresh');
    expect(refreshes).toHaveLength(1);
    expect(JSON.parse(refreshes[0]!.body!)).toEqual({ refreshToken: 'refresh-1' });
    const replays = seen.filter((r) => r.authorization === 'Bearer access-2').map((r) => r.url);
    expect(replays.sort()).toEqual(['/api/v1/a', '/api/v1/b', '/api/v1/c']);
    // The rotated refresh token is stored.
    expect(store.getState().user.refreshToken).toBe('refresh-2');
    expect(store.getState().user.token).toBe('access-2');
  });

  it('replays RTK Query requests after a refresh', async () => {
    fakeServer((req) => {
      if (req.url === '/api/v1/auth/refresh') return envelope(200, { data: refreshed });
      if (req.authorization === 'Bearer access-1') return envelope(401, { code: 2002 });
      return envelope(200, { data: { items: [], page: 1, pageSize: 20, total: 0, totalPages: 0 } });
    });
    const result = await store.dispatch(quarryApi.endpoints.listUsers.initiate({}));
    expect(result.data?.data?.total).toBe(0);
    expect(store.getState().user.token).toBe('access-2');
  });

  it('logs out and sends the user to /login with the way back when the refresh is refused', async () => {
    const { seen } = fakeServer((req) => {
      if (req.url === '/api/v1/auth/refresh') return envelope(401, { code: 2005, message: 'reused' });
      return envelope(401, { code: 2002 });
    });
    const error = await rejection(apiFetch('/api/v1/users'));
    expect(error.status).toBe(401);
    expect(seen.filter((r) => r.url === '/api/v1/auth/refresh')).toHaveLength(1);
    expect(store.getState().user.isAuthenticated).toBe(false);
    expect(window.localStorage.getItem('quarry.session')).toBeNull();
    expect(navigate).toHaveBeenCalledWith('/login?redirect=%2Fadmin%2Fusers%3Fpage%3D2', { replace: true });
  });

  it('does not refresh when the login itself answers 401', async () => {
    const { seen } = fakeServer(() => envelope(401, { code: 2001, message: 'wrong' }));
    const error = await rejection(apiFetch('/api/v1/auth/login', { method: 'POST', body: '{}', silent: true }));
    expect(error.code).toBe(2001);
    expect(seen).toHaveLength(1);
    expect(store.getState().user.isAuthenticated).toBe(true);
    expect(navigate).not.toHaveBeenCalled();
  });
});

describe('429 handling', () => {
  it('waits Retry-After seconds, tells the user, and retries', async () => {
    vi.useFakeTimers();
    const { seen } = fakeServer((_req, i) => (i === 0 ? envelope(429, { code: 4290 }, { 'Retry-After': '3' }) : envelope(200, { data: 1 })));
    let done = false;
    const call = apiFetch('/api/v1/x', { method: 'POST', body: '{}' }).then((r) => {
      done = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(2900);
    expect(done).toBe(false);
    expect(seen).toHaveLength(1);
    expect(notes.some((n) => n.level === 'warning')).toBe(true);
    await vi.advanceTimersByTimeAsync(200);
    expect((await call).status).toBe(200);
    expect(seen).toHaveLength(2);
  });

  it('gives up after two waits, and at once when Retry-After is over 30 s', async () => {
    vi.useFakeTimers();
    const { seen } = fakeServer(() => envelope(429, { code: 4290 }, { 'Retry-After': '1' }));
    const call = rejection(apiFetch('/api/v1/x'));
    await vi.advanceTimersByTimeAsync(5000);
    expect((await call).status).toBe(429);
    expect(seen).toHaveLength(3);

    const long = fakeServer(() => envelope(429, { code: 4290 }, { 'Retry-After': '120' }));
    const error = await rejection(apiFetch('/api/v1/y'));
    expect(error.retryAfter).toBe(120);
    expect(long.seen).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('retries GET on 503 with exponential delays', async () => {
    vi.useFakeTimers();
    const { seen } = fakeServer((_req, i) => (i < 2 ? envelope(503, { code: 5001 }) : envelope(200, { data: 1 })));
    const call = apiFetch('/api/v1/x');
    await vi.advanceTimersByTimeAsync(999);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(seen).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect((await call).status).toBe(200);
    expect(seen).toHaveLength(3);
  });

  it('never retries POST, PUT or DELETE', async () => {
    vi.useFakeTimers();
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const { seen } = fakeServer(() => envelope(503, { code: 5001 }));
      const call = rejection(apiFetch('/api/v1/x', { method, body: method === 'DELETE' ? null : '{}' }));
      await vi.advanceTimersByTimeAsync(10_000);
      expect((await call).status).toBe(503);
      expect(seen).toHaveLength(1);
    }
  });

  it('does not retry a GET on 500 or 404', async () => {
    const { seen } = fakeServer((_req, i) => (i === 0 ? envelope(500, { code: 5000 }) : envelope(404, { code: 3000 })));
    await rejection(apiFetch('/api/v1/x'));
    await rejection(apiFetch('/api/v1/x'));
    expect(seen).toHaveLength(2);
  });

  it('gives up a GET after three network failures and says so', async () => {
    vi.useFakeTimers();
    const fetchMock = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    vi.stubGlobal('fetch', fetchMock);
    const call = rejection(apiFetch('/api/v1/x'));
    await vi.advanceTimersByTimeAsync(3000);
    expect((await call).status).toBe('NETWORK_ERROR');
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(notes.some((n) => n.level === 'error' && n.message === 'Network connection failed')).toBe(true);
  });
});

describe('errors', () => {
  it('notifies a 5xx with the request id', async () => {
    fakeServer(() => envelope(500, { code: 5000, message: 'internal error' }));
    const error = await rejection(apiFetch('/api/v1/x', { method: 'POST', body: '{}' }));
    expect(error.requestId).toMatch(/^req_test_/);
    const note = notes.find((n) => n.level === 'error');
    expect(note?.message).toBe('Server error');
    expect(String(note?.description)).toContain(error.requestId);
  });

  it('notifies 403 as permission denied', async () => {
    fakeServer(() => envelope(403, { code: 2100, message: 'permission "users:write" required' }));
    await rejection(apiFetch('/api/v1/users', { method: 'POST', body: '{}' }));
    expect(notes.find((n) => n.level === 'error')?.message).toBe('Permission denied');
  });

  it('gives business errors their code and field errors, and stays quiet when asked', async () => {
    const errors = [
      { path: 'name', code: 'invalid', message: 'bad name' },
      { path: 'permissions[0]', code: 'invalid', message: 'unknown resource' },
    ];
    fakeServer(() => envelope(400, { code: 1000, message: '2 problems in the request', errors }));
    const result = await store.dispatch(
      quarryApi.endpoints.createRole.initiate({ roleBody: { name: '' } }),
    );
    const error = result.error as ApiError;
    expect(error.code).toBe(1000);
    expect(error.errors).toEqual(errors);
    expect(notes).toHaveLength(1);

    const quiet = await rejection(apiFetch('/api/v1/roles', { method: 'POST', body: '{}', silent: true }));
    expect(quiet.errors).toHaveLength(2);
    expect(notes).toHaveLength(1);
  });
});

describe('dedupe', () => {
  it('shares one promise between identical requests in flight', async () => {
    let calls = 0;
    const fn = () => new Promise<number>((resolve) => setTimeout(() => resolve(++calls), 10));
    const [a, b] = await Promise.all([dedupe('k', fn), dedupe('k', fn)]);
    expect(a).toBe(1);
    expect(b).toBe(1);
    expect(await dedupe('k', fn)).toBe(2);
  });
});
