// The execution's head: status, live marker, timing, error, and Cancel / Retry.
import { RedoOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Descriptions, Flex, Tag } from 'antd';
import { useCancelMutation, useRetryMutation } from '../../../api/generated';
import { notify } from '../../../app/notify';
import { PermissionGate } from '../../../common/PermissionGate';
import { useT } from '../../../i18n';
import { retriedExecutionId, type ExecutionView } from './executionModel';
import { EXECUTION_COLOR, formatDuration, formatTime } from './format';

export interface ExecutionSummaryProps {
  execution: ExecutionView;
  live: boolean;
  onChanged: () => void;
  onRetried?: (executionId: string) => void;
}

const CANCELLABLE = ['queued', 'running'];
const RETRYABLE = ['failed', 'cancelled'];

export function ExecutionSummary({ execution, live, onChanged, onRetried }: ExecutionSummaryProps) {
  const t = useT();
  const [cancel, cancelling] = useCancelMutation();
  const [retry, retrying] = useRetryMutation();
  const { status } = execution;

  const onCancel = async () => {
    try {
      await cancel({ id: execution.executionId }).unwrap();
      notify({ level: 'info', title: t('wfx.cancelRequested') });
    } catch {
      // The API client has shown the error.
    }
    onChanged();
  };

  const onRetry = async () => {
    try {
      const answer = await retry({ id: execution.executionId }).unwrap();
      notify({ level: 'success', title: t('wfx.retryQueued') });
      const id = retriedExecutionId((answer as { data?: unknown }).data);
      if (id) onRetried?.(id);
    } catch {
      // The API client has shown the error.
    }
    onChanged();
  };

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" gap={12} wrap>
        <Flex align="center" gap={8} wrap>
          <Tag color={EXECUTION_COLOR[status] ?? 'default'} data-testid="execution-status" data-status={status}>
            {t(`wfx.status.${status}`)}
          </Tag>
          {live && <Badge status="processing" text={t('wfx.live')} data-testid="execution-live" />}
        </Flex>
        <PermissionGate permissions="workflow:execute">
          <Flex gap={8}>
            {CANCELLABLE.includes(status) && (
              <Button danger icon={<StopOutlined />} loading={cancelling.isLoading} onClick={() => void onCancel()} data-testid="execution-cancel">
                {t('wfx.cancel')}
              </Button>
            )}
            {RETRYABLE.includes(status) && (
              <Button type="primary" icon={<RedoOutlined />} loading={retrying.isLoading} onClick={() => void onRetry()} data-testid="execution-retry">
                {t('wfx.retry')}
              </Button>
            )}
          </Flex>
        </PermissionGate>
      </Flex>
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2, md: 3 }}
        items={[
          { key: 'id', label: t('wfx.field.id'), children: <span data-testid="execution-id">{execution.executionId}</span> },
          { key: 'duration', label: t('wfx.field.duration'), children: <span data-testid="execution-duration">{formatDuration(t, execution.duration)}</span> },
          { key: 'started', label: t('wfx.field.startedAt'), children: formatTime(execution.startedAt ?? execution.createdAt) },
          { key: 'completed', label: t('wfx.field.completedAt'), children: formatTime(execution.completedAt) },
          { key: 'version', label: t('wfx.field.version'), children: execution.version ?? '—' },
          { key: 'trigger', label: t('wfx.field.trigger'), children: execution.trigger ? t(`wfx.trigger.${execution.trigger}`) : '—' },
        ]}
      />
      {execution.error && <Alert type="error" showIcon title={t('wfx.failedWith')} description={execution.error} data-testid="execution-error" />}
    </Flex>
  );
}

export default ExecutionSummary;
