// Everything a page renders inside: Redux, antd's ConfigProvider (theme algorithm and locale from
// the store), antd's <App> with the bridge that lets notify() use its notification instance, and
// the I18nProvider.
import { App as AntApp, ConfigProvider, theme as antTheme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useEffect, type ReactNode } from 'react';
import { Provider } from 'react-redux';
import { I18nProvider } from '../i18n';
import { useAppSelector } from './hooks';
import { setNotificationInstance } from './notify';
import type { AppStore } from './store';

function NotifyBridge() {
  const { notification } = AntApp.useApp();
  useEffect(() => {
    setNotificationInstance(notification);
    return () => setNotificationInstance(null);
  }, [notification]);
  return null;
}

function Themed({ children }: { children: ReactNode }) {
  const theme = useAppSelector((state) => state.app.theme);
  const language = useAppSelector((state) => state.app.language);
  useEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [language, theme]);
  return (
    <ConfigProvider
      locale={language === 'zh-CN' ? zhCN : enUS}
      theme={{
        algorithm: theme === 'dark' ? antTheme.darkAlgorithm : antTheme.defaultAlgorithm,
        token: { colorPrimary: '#1668dc', borderRadius: 8, fontFamily: "Inter, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif" },
      }}
    >
      <AntApp>
        <NotifyBridge />
        <I18nProvider language={language}>{children}</I18nProvider>
      </AntApp>
    </ConfigProvider>
  );
}

export function AppProviders({ store, children }: { store: AppStore; children: ReactNode }) {
  return (
    <Provider store={store}>
      <Themed>{children}</Themed>
    </Provider>
  );
}
