// Catches a page that throws while rendering (or whose code failed to load) and offers a retry,
// which renders it again (and reloads the page when a lazy chunk could not be fetched).
import { Button, Result } from 'antd';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useT } from '../i18n';

function Fallback({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const t = useT();
  return (
    <Result
      status="error"
      title={t('shell.crashTitle')}
      subTitle={error.message}
      extra={
        <Button type="primary" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      }
    />
  );
}

interface Props {
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('page crashed', error, info.componentStack);
  }

  private retry = () => {
    const chunkFailed = /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(this.state.error?.message ?? '');
    if (chunkFailed) window.location.reload();
    else this.setState({ error: null });
  };

  override render() {
    if (this.state.error) return <Fallback error={this.state.error} onRetry={this.retry} />;
    return this.props.children;
  }
}
