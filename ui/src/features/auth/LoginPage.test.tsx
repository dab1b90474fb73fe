import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { lazy } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { envelope, fakeServer, installDomPolyfills, notificationSpy, renderApp, testStore, tokens } from '../../app/testUtils';
import type { AppRoute } from '../../app/routes';

const pages: AppRoute[] = [
  {
    path: '/admin/roles',
    element: lazy(async () => ({ default: () => <div>roles page</div> })),
    permission: 'roles:read',
    navKey: 'admin.roles',
  },
];

// antd renders slowly in jsdom, more so on a busy machine.

beforeAll(installDomPolyfills);
beforeEach(() => {
  window.localStorage.clear();
  window.sessionStorage.clear();
  notificationSpy();
});
afterEach(() => vi.unstubAllGlobals());

describe('LoginPage', () => {
  it('sends an unauthenticated visitor to /login and back after signing in', async () => {
    const { seen } = fakeServer((req) => {
      if (req.url === '/api/v1/auth/login') return envelope(200, { data: tokens() });
      if (req.url === '/api/v1/auth/me') return envelope(200, { data: tokens().user });
      return envelope(404, { code: 3001 });
    });
    const { store, teardown } = testStore(null);
    const { router } = renderApp(store, '/admin/roles', pages);

    await screen.findByRole('button', { name: /sign in/i });
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('?redirect=%2Fadmin%2Froles');
    expect(screen.getByText('Quarry')).toBeInTheDocument();

    const user = userEvent.setup({ delay: null });
    await user.type(screen.getByLabelText('Username'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'admin-password-1');
    await user.click(screen.getByRole('button', { name: /sign in/i }));

    expect(await screen.findByText('roles page')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/roles');
    const login = seen.find((r) => r.url === '/api/v1/auth/login');
    expect(JSON.parse(login!.body!)).toEqual({ username: 'admin', password: 'admin-password-1', rememberMe: true });
    expect(store.getState().user).toMatchObject({ isAuthenticated: true, token: 'access-1', refreshToken: 'refresh-1', remember: true });
    expect(JSON.parse(window.localStorage.getItem('quarry.session')!).refreshToken).toBe('refresh-1');
    teardown();
  });

  it('shows wrong credentials and throttling in the form', async () => {
    fakeServer((_req, i) =>
      i === 0
        ? envelope(401, { code: 2001, message: 'invalid username or password' })
        : envelope(429, { code: 2007, message: 'too many' }, { 'Retry-After': '42' }),
    );
    const { store, teardown } = testStore(null);
    renderApp(store, '/login');
    const user = userEvent.setup({ delay: null });
    await user.type(await screen.findByLabelText('Username'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'nope-nope');
    await user.click(screen.getByRole('button', { name: /sign in/i }));
    expect(await screen.findByText('Wrong username or password.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: /sign in/i }));
    expect(await screen.findByText(/Try again in 42 s/)).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('button', { name: /sign in/i })).toBeDisabled());
    expect(store.getState().user.isAuthenticated).toBe(false);
    teardown();
  });
});
