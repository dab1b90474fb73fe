import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { lazy } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppRoute } from './routes';
import { envelope, fakeServer, installDomPolyfills, notificationSpy, renderApp, testStore, tokens } from './testUtils';

const pages: AppRoute[] = [
  { path: '/admin/users', element: lazy(async () => ({ default: () => <div>users page</div> })), permission: 'users:read', navKey: 'admin.users' },
  { path: '/admin/roles', element: lazy(async () => ({ default: () => <div>roles page</div> })), permission: 'roles:read', navKey: 'admin.roles' },
];

// antd renders slowly in jsdom, more so on a busy machine.

beforeAll(installDomPolyfills);
beforeEach(() => {
  window.localStorage.clear();
  window.sessionStorage.clear();
  notificationSpy();
});
afterEach(() => vi.unstubAllGlobals());

function serve(permissions: string[]) {
  return fakeServer((req) => {
    if (req.url === '/api/v1/auth/me') return envelope(200, { data: tokens({}, permissions).user });
    if (req.url === '/api/v1/auth/logout') return envelope(200, { data: null });
    return envelope(404, { code: 3001 });
  });
}

describe('Shell', () => {
  it('shows the product name, and switches language and theme', async () => {
    serve(['*']);
    const { store, teardown } = testStore(tokens());
    renderApp(store, '/admin/users', pages);
    expect(await screen.findByText('users page')).toBeInTheDocument();
    expect(screen.getAllByText('Quarry').length).toBeGreaterThan(0);
    expect(screen.getByText('Users')).toBeInTheDocument();

    const user = userEvent.setup({ delay: null });
    await user.click(screen.getByText('中文'));
    expect(await screen.findByText('用户')).toBeInTheDocument();
    expect(screen.getByText('系统管理')).toBeInTheDocument();
    expect(store.getState().app.language).toBe('zh-CN');
    expect(window.localStorage.getItem('quarry.language')).toBe('zh-CN');

    await user.click(screen.getByRole('button', { name: '切换到深色主题' }));
    expect(store.getState().app.theme).toBe('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(window.localStorage.getItem('quarry.theme')).toBe('dark');
    expect(screen.getByRole('button', { name: '切换到浅色主题' })).toBeInTheDocument();
    teardown();
  });

  it('shows only the pages the user may open, and a 403 or 404 for the rest', async () => {
    serve(['roles:read']);
    const { store, teardown } = testStore(tokens({}, ['roles:read']));
    const { router } = renderApp(store, '/', pages);
    expect(await screen.findByText('roles page')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/roles');
    const nav = screen.getAllByRole('menu')[0]!;
    expect(within(nav).queryByText('Users')).not.toBeInTheDocument();
    expect(within(nav).getByText('Roles')).toBeInTheDocument();

    await router.navigate('/admin/users');
    expect(await screen.findByText('You do not have permission to open this page.')).toBeInTheDocument();
    await router.navigate('/no/such/page');
    expect(await screen.findByText('There is no page at this address.')).toBeInTheDocument();
    teardown();
  });

  it('signs out through the user menu', async () => {
    const { seen } = serve(['*']);
    const { store, teardown } = testStore(tokens());
    const { router } = renderApp(store, '/admin/users', pages);
    await screen.findByText('users page');
    const user = userEvent.setup({ delay: null });
    await user.click(screen.getByRole('button', { name: 'Account' }));
    await user.click(await screen.findByText('Sign out'));
    await vi.waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(seen.some((r) => r.url === '/api/v1/auth/logout' && r.authorization === 'Bearer access-1')).toBe(true);
    expect(store.getState().user.isAuthenticated).toBe(false);
    teardown();
  });
});
