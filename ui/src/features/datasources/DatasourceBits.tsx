// Small views shared by the datasource screens: type tag, status badge, connection test result.
import { Alert, Badge, Descriptions, Space, Tag, Tooltip } from 'antd';
import { ConsoleSqlOutlined, DatabaseOutlined, FileOutlined } from '@ant-design/icons';
import { useT } from '../../i18n';
import type { ProbeView } from './types';

const TYPE_ICONS: Record<string, { icon: React.ReactNode; color: string }> = {
  mysql: { icon: <DatabaseOutlined />, color: 'blue' },
  mariadb: { icon: <DatabaseOutlined />, color: 'blue' },
  postgres: { icon: <ConsoleSqlOutlined />, color: 'geekblue' },
  sqlite: { icon: <FileOutlined />, color: 'cyan' },
};

export function TypeTag({ type }: { type: string }) {
  const t = useT();
  const look = TYPE_ICONS[type] ?? { icon: <DatabaseOutlined />, color: 'default' };
  return (
    <Tag icon={look.icon} color={look.color} data-testid={`datasource-type-${type}`}>
      {t(`datasources.type.${type}`)}
    </Tag>
  );
}

export function StatusBadge({ status, stage, reason }: { status: string; stage?: string | null; reason?: string | null }) {
  const t = useT();
  const badge = status === 'connected' ? 'success' : status === 'error' ? 'error' : 'default';
  const text = t(`datasources.status.${status === 'connected' || status === 'error' ? status : 'unknown'}`);
  const node = <Badge status={badge} text={text} data-testid="datasource-status" data-status={status} />;
  if (status !== 'error' || !reason) return node;
  const stageText = stage ? t(`datasources.stage.${stage}`) : '';
  return <Tooltip title={t('datasources.status.errorAt', { stage: stageText, reason })}>{node}</Tooltip>;
}

/** The outcome of a connection test (seed 2.3.2, with the failing stage). */
export function TestResult({ result, hint }: { result: ProbeView; hint?: string }) {
  const t = useT();
  const yesNo = (v: boolean | null | undefined) => (v === null || v === undefined ? '—' : v ? t('datasources.test.yes') : t('datasources.test.no'));
  if (result.success) {
    return (
      <Alert
        type="success"
        showIcon
        data-testid="datasource-test-result"
        data-success="true"
        title={t('datasources.test.ok', { latency: result.latency })}
        description={
          <Descriptions size="small" column={2}>
            <Descriptions.Item label={t('datasources.test.version')}>{result.version ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('datasources.test.charset')}>{result.charset ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('datasources.test.timezone')}>{result.timezone ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('datasources.test.readOnly')}>{yesNo(result.readOnly)}</Descriptions.Item>
          </Descriptions>
        }
      />
    );
  }
  return (
    <Alert
      type="error"
      showIcon
      data-testid="datasource-test-result"
      data-success="false"
      data-stage={result.stage ?? ''}
      title={
        result.stage
          ? t('datasources.test.failed', { stage: t(`datasources.stage.${result.stage}`) })
          : t('datasources.test.failedNoStage')
      }
      description={
        <Space orientation="vertical" size={2}>
          <span data-testid="datasource-test-message">{result.message}</span>
          {hint ? <span>{hint}</span> : null}
        </Space>
      }
    />
  );
}
