import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setNavigator } from '../../app/navigation';
import { envelope, fakeServer, notificationSpy, testStore, tokens } from '../../app/testUtils';
import { REFRESH_LEAD_MS } from './tokenManager';

const MIN = 60 * 1000;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-06-01T10:00:00Z'));
  window.localStorage.clear();
  window.sessionStorage.clear();
  notificationSpy();
  window.history.replaceState(null, '', '/datasources');
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('token manager', () => {
  it('refreshes 5 minutes before expiry and reschedules after each refresh', async () => {
    let n = 1;
    const { seen } = fakeServer(() => {
      n += 1;
      return envelope(200, { data: tokens({ token: `access-${n}`, refreshToken: `refresh-${n}`, expiresAt: new Date(Date.now() + 15 * MIN).toISOString() }) });
    });
    const { store, teardown } = testStore(tokens({ expiresAt: new Date(Date.now() + 15 * MIN).toISOString() }));

    await vi.advanceTimersByTimeAsync(15 * MIN - REFRESH_LEAD_MS - 1000);
    expect(seen).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toHaveLength(1);
    expect(JSON.parse(seen[0]!.body!)).toEqual({ refreshToken: 'refresh-1' });
    expect(store.getState().user.token).toBe('access-2');

    // The new token expires 15 minutes after the refresh: the next refresh comes 10 minutes later.
    await vi.advanceTimersByTimeAsync(10 * MIN - 1000);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toHaveLength(2);
    expect(JSON.parse(seen[1]!.body!)).toEqual({ refreshToken: 'refresh-2' });
    teardown();
  });

  it('refreshes at once when less than 5 minutes remain (a kept session on load)', async () => {
    const { seen } = fakeServer(() => envelope(200, { data: tokens({ token: 'access-2', refreshToken: 'refresh-2' }) }));
    const { teardown } = testStore(tokens({ expiresAt: new Date(Date.now() + 2 * MIN).toISOString() }));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toHaveLength(1);
    teardown();
  });

  it('logs out and goes to /login when the refresh is refused', async () => {
    const navigate = vi.fn();
    setNavigator(navigate);
    fakeServer(() => envelope(401, { code: 2004, message: 'revoked' }));
    const { store, teardown } = testStore(tokens({ expiresAt: new Date(Date.now() + 6 * MIN).toISOString() }));
    await vi.advanceTimersByTimeAsync(MIN);
    expect(store.getState().user.isAuthenticated).toBe(false);
    expect(navigate).toHaveBeenCalledWith('/login?redirect=%2Fdatasources', { replace: true });
    teardown();
  });

  it('stops when the user signs out', async () => {
    const { seen } = fakeServer(() => envelope(200, { data: tokens() }));
    const { store, teardown } = testStore(tokens({ expiresAt: new Date(Date.now() + 10 * MIN).toISOString() }));
    store.dispatch({ type: 'user/sessionEnded' });
    await vi.advanceTimersByTimeAsync(20 * MIN);
    expect(seen).toHaveLength(0);
    teardown();
  });
});
