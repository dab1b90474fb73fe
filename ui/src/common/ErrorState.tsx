// A failed load: what went wrong, the request id to quote, and a retry button.
import { Button, Result, Typography } from 'antd';
import { isApiError } from '../api/errors';
import { useT } from '../i18n';

export interface ErrorStateProps {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}

export function ErrorState({ error, title, onRetry }: ErrorStateProps) {
  const t = useT();
  const api = isApiError(error) ? error : null;
  const message = api ? api.message : error instanceof Error ? error.message : String(error ?? '');
  const status = api?.status === 403 ? '403' : api?.status === 404 ? '404' : typeof api?.status === 'number' && api.status >= 500 ? '500' : 'error';
  return (
    <Result
      status={status}
      title={title ?? (api?.status === 403 ? t('error.forbidden') : t('error.loadFailed'))}
      subTitle={
        <>
          <div>{message}</div>
          {api?.requestId && (
            <Typography.Text type="secondary" copyable={{ text: api.requestId }} style={{ fontSize: 12 }}>
              {t('error.requestId', { id: api.requestId })}
            </Typography.Text>
          )}
        </>
      }
      extra={
        onRetry && (
          <Button type="primary" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )
      }
    />
  );
}

export default ErrorState;
