// Every page of the studio behind the login, in one list. Add a page with one line:
//   { path: '/x', element: lazy(() => import('../features/x/XPage')), permission: 'x:read', navKey: 'x' },
// `permission` (one or several, all required; scoped grants count) gates the route and its nav
// entry; `navKey` says which sider entry the page belongs to (see nav.tsx).
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { NavKey } from './nav';

export interface AppRoute {
  path: string;
  element: LazyExoticComponent<ComponentType>;
  permission?: string | string[];
  navKey?: NavKey;
}

export const routes: AppRoute[] = [
  { path: '/datasources', element: lazy(() => import('../features/datasources/DatasourcesPage')), permission: 'datasource:read', navKey: 'datasources' },
  { path: '/datasources/new', element: lazy(() => import('../features/datasources/DatasourceEditPage')), permission: 'datasource:write', navKey: 'datasources' },
  { path: '/datasources/:id/edit', element: lazy(() => import('../features/datasources/DatasourceEditPage')), permission: 'datasource:write', navKey: 'datasources' },
  { path: '/datasources/:id/schema', element: lazy(() => import('../features/datasources/SchemaPage')), permission: 'datasource:read', navKey: 'datasources' },
  { path: '/query', element: lazy(() => import('../features/queryBuilder/QueryBuilderPage')), permission: 'query:execute', navKey: 'query' },
  { path: '/templates', element: lazy(() => import('../features/templates/TemplatesPage')), permission: 'query:execute', navKey: 'templates' },
  { path: '/history', element: lazy(() => import('../features/history/HistoryPage')), permission: 'query:execute', navKey: 'history' },
  { path: '/data', element: lazy(() => import('../features/dataPages/DataHomePage')), permission: 'datasource:read', navKey: 'data' },
  { path: '/data/:module/:model', element: lazy(() => import('../features/dataPages/ModelPage')), permission: 'datasource:read', navKey: 'data' },
  { path: '/workflows', element: lazy(() => import('../features/workflows/WorkflowsPage')), permission: 'workflow:read', navKey: 'workflows' },
  { path: '/workflows/new', element: lazy(() => import('../features/workflows/WorkflowDesignerPage')), permission: 'workflow:write', navKey: 'workflows' },
  { path: '/workflows/:id', element: lazy(() => import('../features/workflows/WorkflowDesignerPage')), permission: 'workflow:read', navKey: 'workflows' },
  { path: '/workflows/:id/executions', element: lazy(() => import('../features/workflows/ExecutionsPage')), permission: 'workflow:read', navKey: 'workflows' },
  { path: '/monitoring', element: lazy(() => import('../features/monitoring/DashboardPage')), permission: 'metrics:read', navKey: 'monitoring' },
  { path: '/monitoring/alerts', element: lazy(() => import('../features/monitoring/AlertsPage')), permission: 'metrics:read', navKey: 'alerts' },
  { path: '/admin/users', element: lazy(() => import('../features/admin/UsersPage')), permission: 'users:read', navKey: 'admin.users' },
  { path: '/admin/roles', element: lazy(() => import('../features/admin/RolesPage')), permission: 'roles:read', navKey: 'admin.roles' },
];
