// The studio's frame: a sider with the pages the user may open, a header with the product name,
// language and theme switches and the user menu, and the page itself (lazy, behind an error boundary).
import { LogoutOutlined, MenuFoldOutlined, MenuUnfoldOutlined, UserOutlined } from '@ant-design/icons';
import { Avatar, Button, Dropdown, Flex, Layout, Menu, Space, Tag, theme, Typography, type MenuProps } from 'antd';
import { Suspense, useEffect, useMemo, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useMeQuery } from '../api/generated';
import { LogoMark } from '../common/LogoMark';
import { Loading } from '../common/Loading';
import { useSignOut } from '../features/auth/useSignOut';
import { RealtimeNotifier } from '../features/monitoring/RealtimeNotifier';
import { setNotificationNavigator } from './notify';
import { useT } from '../i18n';
import { ErrorBoundary } from './ErrorBoundary';
import { useAppSelector } from './hooks';
import { adminIcon, navKeyFor, visibleEntries } from './nav';
import { LanguageSwitch, ThemeSwitch } from './PreferenceSwitches';

const { Header, Sider, Content } = Layout;

function UserMenu() {
  const t = useT();
  const user = useAppSelector((state) => state.user.currentUser);
  const [signOut, signingOut] = useSignOut();
  const items: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <div style={{ minWidth: 180 }}>
          <Typography.Text strong>{user?.username}</Typography.Text>
          {user?.email && (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {user.email}
            </Typography.Text>
          )}
          <div style={{ marginTop: 6 }}>
            {(user?.roles ?? []).map((role) => (
              <Tag key={role} color="blue">
                {role}
              </Tag>
            ))}
          </div>
        </div>
      ),
    },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: <span data-testid="logout">{t('shell.logout')}</span>, disabled: signingOut, onClick: () => void signOut() },
  ];
  return (
    <Dropdown menu={{ items }} trigger={['click']} placement="bottomRight">
      <Button type="text" aria-label={t('shell.userMenu')} style={{ height: 40 }} data-testid="user-menu">
        <Space>
          <Avatar size="small" src={user?.avatar ?? undefined} icon={<UserOutlined />} />
          <span>{user?.username}</span>
        </Space>
      </Button>
    </Dropdown>
  );
}

export function Shell() {
  const t = useT();
  const { token } = theme.useToken();
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    setNotificationNavigator((to) => void navigate(to));
    return () => setNotificationNavigator(null);
  }, [navigate]);
  const permissions = useAppSelector((state) => state.user.permissions);
  const authenticated = useAppSelector((state) => state.user.isAuthenticated);
  const [collapsed, setCollapsed] = useState(false);
  // Refreshes the user and their permissions (roles may have changed since the session began).
  useMeQuery(undefined, { skip: !authenticated });

  const entries = visibleEntries(permissions);
  const menuItems = useMemo<MenuProps['items']>(() => {
    const main = entries.filter((e) => !e.group).map((e) => ({ key: e.key, icon: e.icon, label: t(e.label) }));
    const admin = entries.filter((e) => e.group === 'admin').map((e) => ({ key: e.key, icon: e.icon, label: t(e.label) }));
    return admin.length ? [...main, { key: 'admin', icon: adminIcon, label: t('nav.admin'), children: admin }] : main;
  }, [entries, t]);
  const selected = navKeyFor(location.pathname);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <RealtimeNotifier />
      <Sider
        collapsible
        collapsed={collapsed}
        trigger={null}
        width={224}
        theme="light"
        style={{ background: token.colorBgContainer, borderInlineEnd: `1px solid ${token.colorBorderSecondary}` }}
      >
        <Flex align="center" gap={10} style={{ height: 64, padding: collapsed ? '0 26px' : '0 20px' }} data-testid="shell-brand">
          <LogoMark size={28} />
          {!collapsed && (
            <Typography.Text strong style={{ fontSize: 18, letterSpacing: 0.2 }}>
              {t('app.name')}
            </Typography.Text>
          )}
        </Flex>
        <Menu
          mode="inline"
          selectedKeys={selected ? [selected] : []}
          defaultOpenKeys={['admin']}
          items={menuItems}
          style={{ borderInlineEnd: 'none' }}
          onClick={({ key }) => {
            const entry = entries.find((e) => e.key === key);
            if (entry) navigate(entry.path);
          }}
        />
      </Sider>
      <Layout>
        <Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            padding: '0 20px 0 12px',
            display: 'flex',
            alignItems: 'center',
            gap: 12,
          }}
        >
          <Button
            type="text"
            aria-label={collapsed ? t('shell.expand') : t('shell.collapse')}
            icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
            onClick={() => setCollapsed(!collapsed)}
          />
          <Typography.Text type="secondary">{t('shell.tagline')}</Typography.Text>
          <Flex align="center" gap={12} style={{ marginInlineStart: 'auto' }}>
            <LanguageSwitch />
            <ThemeSwitch />
            <UserMenu />
          </Flex>
        </Header>
        <Content style={{ padding: 24, minWidth: 0 }}>
          <ErrorBoundary key={location.pathname}>
            <Suspense fallback={<Loading />}>
              <Outlet />
            </Suspense>
          </ErrorBoundary>
        </Content>
      </Layout>
    </Layout>
  );
}

export default Shell;
