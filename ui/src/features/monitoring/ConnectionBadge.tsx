// The live feed's connection state, always visible on the dashboard, with "reconnect now" when the
// socket gave up (or is waiting to retry).
import { ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Flex, Tooltip } from 'antd';
import { useT } from '../../i18n';
import type { ConnectionState } from './socket';

const STATUS = { connecting: 'processing', open: 'success', reconnecting: 'warning', closed: 'error' } as const;

export function ConnectionBadge({
  state,
  lastClose,
  onReconnect,
}: {
  state: ConnectionState;
  lastClose: { code: number; reason: string } | null;
  onReconnect: () => void;
}) {
  const t = useT();
  const why = lastClose && state !== 'open' ? t('mon.conn.lastClose', { code: lastClose.code, reason: lastClose.reason || '—' }) : undefined;
  return (
    <Flex align="center" gap={8}>
      <Tooltip title={why}>
        <span data-testid="mon-connection" data-state={state} role="status" aria-live="polite">
          <Badge status={STATUS[state]} text={t(`mon.conn.${state}`)} />
        </span>
      </Tooltip>
      {(state === 'closed' || state === 'reconnecting') && (
        <Button size="small" icon={<ReloadOutlined />} onClick={onReconnect} data-testid="mon-reconnect">
          {t('mon.conn.reconnect')}
        </Button>
      )}
    </Flex>
  );
}
