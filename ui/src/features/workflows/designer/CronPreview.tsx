// The next fire times of a schedule, asked of the server as the cron is typed (debounced).
import { Alert, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { apiFetch } from '../../../api/apiFetch';
import { isApiError } from '../../../api/errors';
import { useLanguage, useT } from '../../../i18n';

interface Preview {
  next: string[];
  nextLocal?: string[];
}

export const CRON_DEBOUNCE_MS = 400;

export function CronPreview({ cron, timezone }: { cron: string; timezone: string }) {
  const t = useT();
  const language = useLanguage();
  const [state, setState] = useState<{ loading: boolean; preview?: Preview; errors?: string[] }>({ loading: false });

  useEffect(() => {
    if (!cron.trim()) {
      setState({ loading: false });
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      setState((s) => ({ ...s, loading: true }));
      const params = new URLSearchParams({ cron, count: '5' });
      if (timezone.trim()) params.set('timezone', timezone.trim());
      try {
        const response = await apiFetch(`/api/v1/workflows/cron-preview?${params.toString()}`, { silent: true, signal: controller.signal });
        const body = (await response.json()) as { data?: Preview };
        setState({ loading: false, preview: body.data ?? { next: [] } });
      } catch (error) {
        if (controller.signal.aborted) return;
        const errors = isApiError(error) && error.errors.length ? error.errors.map((e) => e.message) : [isApiError(error) ? error.message : String(error)];
        setState({ loading: false, errors });
      }
    }, CRON_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [cron, timezone]);

  if (!cron.trim()) return null;
  if (state.errors) return <Alert type="warning" showIcon data-testid="wf-cron-error" title={state.errors.join('\n')} style={{ whiteSpace: 'pre-line' }} />;
  if (state.loading && !state.preview) return <Spin size="small" />;
  if (!state.preview) return null;
  const fmt = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', ...(timezone.trim() ? { timeZone: safeZone(timezone.trim()) } : { timeZone: 'UTC' }) });
  return (
    <div data-testid="wf-cron-preview">
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('wf.cron.next', { zone: timezone.trim() || 'UTC' })}
      </Typography.Text>
      <ol style={{ margin: '4px 0', paddingLeft: 20 }}>
        {state.preview.next.map((iso) => (
          <li key={iso}>
            <time dateTime={iso}>{fmt.format(new Date(iso))}</time>
          </li>
        ))}
      </ol>
    </div>
  );
}

function safeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}
