// The execution's log, oldest first, following the newest line while it streams.
import { Tag, Typography, theme } from 'antd';
import { useEffect, useRef } from 'react';
import { EmptyState } from '../../../common/EmptyState';
import { useT, type Translate } from '../../../i18n';
import type { ExecutionLog } from './executionModel';
import { LEVEL_COLOR, formatClock } from './format';

function messageOf(t: Translate, log: ExecutionLog): string {
  if (!log.live) return log.message;
  const node = log.nodeId ?? '';
  const status = t(log.live.event === 'started' || log.live.event === 'finished' ? `wfx.status.${log.live.status}` : `wfx.node.${log.live.status}`);
  const head = t(`wfx.event.${log.live.event}`, { node, status });
  return log.message ? `${head}: ${log.message}` : head;
}

export function ExecutionLogList({ logs }: { logs: ExecutionLog[] }) {
  const t = useT();
  const { token } = theme.useToken();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [logs.length]);

  return (
    <div>
      <Typography.Title level={5}>{t('wfx.logs.title')}</Typography.Title>
      <div
        ref={box}
        data-testid="execution-logs"
        role="log"
        aria-live="polite"
        aria-label={t('wfx.logs.title')}
        style={{
          maxHeight: 280,
          overflow: 'auto',
          padding: 8,
          background: token.colorFillQuaternary,
          borderRadius: token.borderRadius,
          fontFamily: token.fontFamilyCode,
          fontSize: 12,
        }}
      >
        {logs.length === 0 ? (
          <EmptyState description={t('wfx.logs.empty')} />
        ) : (
          logs.map((log, i) => (
            <div key={`${log.timestamp}-${i}`} data-testid="execution-log-line" data-level={log.level} style={{ padding: '2px 0', opacity: log.live ? 0.75 : 1 }}>
              <Typography.Text type="secondary" style={{ fontSize: 12, fontFamily: 'inherit' }}>
                {formatClock(log.timestamp)}
              </Typography.Text>{' '}
              <Tag color={LEVEL_COLOR[log.level] ?? 'default'} variant="filled" style={{ fontSize: 11, marginInlineEnd: 4 }}>
                {log.level.toUpperCase()}
              </Tag>
              {log.nodeId && (
                <Typography.Text code style={{ fontSize: 12 }}>
                  {log.nodeId}
                </Typography.Text>
              )}{' '}
              <span style={{ color: log.level === 'error' ? token.colorError : undefined, whiteSpace: 'pre-wrap' }}>{messageOf(t, log)}</span>
            </div>
          ))
        )}
      </div>
    </div>
  );
}

export default ExecutionLogList;
