// The shell's own pages: the home redirect, 404 and 403.
import { Button, Result } from 'antd';
import { Link, Navigate } from 'react-router-dom';
import { useT } from '../i18n';
import { useAppSelector } from './hooks';
import { visibleEntries } from './nav';

/** `/`: the first page this user may see. */
export function HomeRedirect() {
  const permissions = useAppSelector((state) => state.user.permissions);
  const t = useT();
  const first = visibleEntries(permissions)[0];
  if (first) return <Navigate to={first.path} replace />;
  return <Result status="info" title={t('shell.welcome')} subTitle={t('shell.noPages')} />;
}

export function NotFoundPage() {
  const t = useT();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('shell.notFound')}
      extra={
        <Link to="/">
          <Button type="primary">{t('shell.backHome')}</Button>
        </Link>
      }
    />
  );
}

export function ForbiddenPage() {
  const t = useT();
  return (
    <Result
      status="403"
      title="403"
      subTitle={t('shell.forbiddenPage')}
      extra={
        <Link to="/">
          <Button type="primary">{t('shell.backHome')}</Button>
        </Link>
      }
    />
  );
}
