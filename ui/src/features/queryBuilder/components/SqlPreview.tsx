// The server's SQL for the current query (highlighted), its estimates, warnings with index advice
// (the CREATE INDEX statement copyable), and errors that concern no single part of the builder.
import { CheckCircleOutlined, CloseCircleOutlined, LoadingOutlined } from '@ant-design/icons';
import { Alert, Flex, Space, Tag, Typography } from 'antd';
import { useT } from '../../../i18n';
import type { Validation } from '../hooks/useLiveValidation';
import { SqlHighlight } from './SqlHighlight';

export interface SqlPreviewProps {
  validation: Validation | null;
  pending: boolean;
  failure: string | null;
  generalErrors: string[];
  /** Why nothing was validated yet (no datasource, no table, variables without test values). */
  idleReason: string | null;
}

export function SqlPreview({ validation, pending, failure, generalErrors, idleReason }: SqlPreviewProps) {
  const t = useT();
  const status = pending ? (
    <Tag icon={<LoadingOutlined />} color="processing">
      {t('qb.sql.validating')}
    </Tag>
  ) : validation ? (
    validation.valid ? (
      <Tag icon={<CheckCircleOutlined />} color="success" data-testid="sql-valid">
        {t('qb.sql.valid')}
      </Tag>
    ) : (
      <Tag icon={<CloseCircleOutlined />} color="error" data-testid="sql-invalid">
        {t('qb.sql.invalid')}
      </Tag>
    )
  ) : null;
  const advice = validation?.advice ?? [];
  return (
    <Flex vertical gap={8}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Space>
          <Typography.Text strong>{t('qb.sql.title')}</Typography.Text>
          {status}
          {validation?.dialect && <Tag>{validation.dialect}</Tag>}
        </Space>
        {validation?.valid && (
          <Space size="middle" data-testid="estimates">
            <Typography.Text type="secondary">
              {t('qb.sql.estimatedRows', { n: validation.estimatedRows?.toLocaleString() ?? '—' })}
            </Typography.Text>
            <Typography.Text type="secondary">
              {t('qb.sql.estimatedTime', { ms: validation.estimatedTime ?? '—' })}
            </Typography.Text>
          </Space>
        )}
      </Flex>
      {validation?.sql ? (
        <div style={{ position: 'relative' }}>
          <SqlHighlight sql={validation.sql} testId="sql-view" />
          <Typography.Text copyable={{ text: validation.sql, tooltips: [t('qb.sql.copy'), t('qb.sql.copied')] }} style={{ position: 'absolute', top: 6, right: 8 }} />
        </div>
      ) : (
        <Typography.Text type="secondary" data-testid="sql-view">
          {idleReason ?? (pending ? t('qb.sql.validating') : t('qb.sql.none'))}
        </Typography.Text>
      )}
      {failure && <Alert type="error" showIcon title={t('qb.sql.failed')} description={failure} />}
      {generalErrors.length > 0 && (
        <Alert
          type="error"
          showIcon
          data-testid="validation-errors"
          title={t('qb.sql.errors')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {generalErrors.map((m, i) => (
                <li key={i}>{m}</li>
              ))}
            </ul>
          }
        />
      )}
      {advice.length > 0 && (
        <div data-testid="warnings-list" role="list" aria-label={t('qb.sql.warnings', { n: advice.length })}>
          <Typography.Text strong>{t('qb.sql.warnings', { n: advice.length })}</Typography.Text>
          <Flex vertical gap={6} style={{ marginTop: 6 }}>
            {advice.map((a, i) => (
              <Flex key={i} vertical gap={4} role="listitem" data-testid={`warning-${a.kind}`} style={{ borderInlineStart: '3px solid #faad14', paddingInlineStart: 8 }}>
                <Space wrap>
                  <Tag color={a.kind === 'index' ? 'gold' : a.kind === 'fullScan' ? 'volcano' : 'blue'}>{t(`qb.advice.${a.kind}`)}</Tag>
                  <Typography.Text>{a.message}</Typography.Text>
                </Space>
                {a.sql && (
                  <Typography.Text code copyable={{ text: a.sql, tooltips: [t('qb.sql.copy'), t('qb.sql.copied')] }} data-testid="advice-sql">
                    {a.sql}
                  </Typography.Text>
                )}
              </Flex>
            ))}
          </Flex>
        </div>
      )}
    </Flex>
  );
}

export default SqlPreview;
