// The sider's entries, in order. An entry shows when a route in routes.tsx carries its navKey and
// the user holds that route's permission.
import {
  AlertOutlined,
  ApartmentOutlined,
  BranchesOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  HistoryOutlined,
  SafetyCertificateOutlined,
  SearchOutlined,
  SnippetsOutlined,
  TableOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import { checkPermissions } from '../common/permissions';
import { routes as defaultRoutes, type AppRoute } from './routes';

export type NavKey = 'datasources' | 'query' | 'templates' | 'history' | 'data' | 'workflows' | 'monitoring' | 'alerts' | 'admin.users' | 'admin.roles';

export interface NavEntry {
  key: NavKey;
  path: string;
  /** i18n key of the label. */
  label: string;
  icon: ReactNode;
  group?: 'admin';
}

export const navEntries: NavEntry[] = [
  { key: 'datasources', path: '/datasources', label: 'nav.datasources', icon: <DatabaseOutlined /> },
  { key: 'query', path: '/query', label: 'nav.query', icon: <SearchOutlined /> },
  { key: 'templates', path: '/templates', label: 'nav.templates', icon: <SnippetsOutlined /> },
  { key: 'history', path: '/history', label: 'nav.history', icon: <HistoryOutlined /> },
  { key: 'data', path: '/data', label: 'nav.data', icon: <TableOutlined /> },
  { key: 'workflows', path: '/workflows', label: 'nav.workflows', icon: <BranchesOutlined /> },
  { key: 'monitoring', path: '/monitoring', label: 'nav.monitoring', icon: <DashboardOutlined /> },
  { key: 'alerts', path: '/monitoring/alerts', label: 'nav.alerts', icon: <AlertOutlined /> },
  { key: 'admin.users', path: '/admin/users', label: 'nav.users', icon: <TeamOutlined />, group: 'admin' },
  { key: 'admin.roles', path: '/admin/roles', label: 'nav.roles', icon: <SafetyCertificateOutlined />, group: 'admin' },
];

export const adminIcon = <ApartmentOutlined />;

export function routeAllowed(route: AppRoute, permissions: readonly string[]): boolean {
  return !route.permission || checkPermissions(permissions, route.permission);
}

/** The entries this user sees: those with a page (the route at the entry's path) they may open. */
export function visibleEntries(permissions: readonly string[], routes: readonly AppRoute[] = defaultRoutes): NavEntry[] {
  return navEntries.filter((entry) => {
    const route = routes.find((r) => r.navKey === entry.key && r.path === entry.path);
    return route !== undefined && routeAllowed(route, permissions);
  });
}

/** The nav entry a location belongs to (longest matching route path). */
export function navKeyFor(pathname: string, routes: readonly AppRoute[] = defaultRoutes): NavKey | undefined {
  let best: AppRoute | undefined;
  for (const route of routes) {
    if (!route.navKey) continue;
    const pattern = new RegExp(`^${route.path.replace(/:[^/]+/g, '[^/]+')}/?$`);
    if (pattern.test(pathname) && (!best || route.path.length > best.path.length)) best = route;
  }
  if (best) return best.navKey;
  return navEntries.find((e) => pathname.startsWith(`${e.path}/`))?.key;
}
