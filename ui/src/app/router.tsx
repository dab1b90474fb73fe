// The route tree: /login is public; everything else needs a session (else /login?redirect=<here>)
// and renders inside the Shell, with each page's permission checked.
import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, createMemoryRouter, Navigate, useLocation, type RouteObject } from 'react-router-dom';
import { Loading } from '../common/Loading';
import { useAppSelector } from './hooks';
import { loginPath, setNavigator } from './navigation';
import { routeAllowed } from './nav';
import { ForbiddenPage, HomeRedirect, NotFoundPage } from './pages';
import { routes as defaultRoutes, type AppRoute } from './routes';
import { Shell } from './Shell';

const LoginPage = lazy(() => import('../features/auth/LoginPage'));

function RequireAuth({ children }: { children: ReactNode }) {
  const authenticated = useAppSelector((state) => state.user.isAuthenticated);
  const location = useLocation();
  if (!authenticated) return <Navigate to={loginPath(`${location.pathname}${location.search}`)} replace />;
  return <>{children}</>;
}

function Gated({ route }: { route: AppRoute }) {
  const permissions = useAppSelector((state) => state.user.permissions);
  if (!routeAllowed(route, permissions)) return <ForbiddenPage />;
  const Page = route.element;
  return <Page />;
}

export function buildRoutes(pages: readonly AppRoute[] = defaultRoutes): RouteObject[] {
  return [
    {
      path: '/login',
      element: (
        <Suspense fallback={<Loading minHeight="100vh" />}>
          <LoginPage />
        </Suspense>
      ),
    },
    {
      path: '/',
      element: (
        <RequireAuth>
          <Shell />
        </RequireAuth>
      ),
      children: [
        { index: true, element: <HomeRedirect /> },
        ...pages.map((route) => ({ path: route.path, element: <Gated route={route} /> })),
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ];
}

export type AppRouter = ReturnType<typeof createBrowserRouter>;

function register(router: AppRouter): AppRouter {
  setNavigator((path, options) => void router.navigate(path, options));
  return router;
}

export function createAppRouter(): AppRouter {
  return register(createBrowserRouter(buildRoutes()));
}

/** For tests: the same tree in memory, starting at `initialEntries`. */
export function createTestRouter(initialEntries: string[], pages?: readonly AppRoute[]): AppRouter {
  return register(createMemoryRouter(buildRoutes(pages), { initialEntries }));
}
