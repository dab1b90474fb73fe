// The caller's query history (route `/history`), newest first: each run's SQL and DSL, duration,
// rows and status, with "open in builder".
import { FolderOpenOutlined } from '@ant-design/icons';
import { Button, Flex, Input, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useQueryHistoryQuery, type QueryHistoryApiResponse } from '../../api/generated';
import { EmptyState } from '../../common/EmptyState';
import { ErrorState } from '../../common/ErrorState';
import { PageHeader } from '../../common/PageHeader';
import { useT } from '../../i18n';
import { DslView } from '../queryBuilder/components/DslView';
import { SqlHighlight } from '../queryBuilder/components/SqlHighlight';
import type { HistoryHandoff } from '../queryBuilder/hooks/useLoadQuery';

export type HistoryEntry = NonNullable<QueryHistoryApiResponse['data']>['items'][number];

const STATUS_COLOR: Record<string, string> = { success: 'success', error: 'error', streamed: 'processing' };

export default function HistoryPage() {
  const t = useT();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [keyword, setKeyword] = useState('');
  const history = useQueryHistoryQuery({ page, pageSize, keyword: keyword.trim() || undefined });
  const data = history.data?.data;

  const open = (entry: HistoryEntry) => {
    const state: HistoryHandoff = { historyEntry: { id: entry.id, query: entry.query, datasourceId: entry.datasourceId } };
    navigate(`/query?history=${encodeURIComponent(entry.id)}`, { state });
  };

  const columns: ColumnsType<HistoryEntry> = [
    {
      key: 'createdAt',
      title: t('hist.col.time'),
      dataIndex: 'createdAt',
      width: 190,
      render: (d: string) => new Date(d).toLocaleString(),
    },
    {
      key: 'status',
      title: t('hist.col.status'),
      dataIndex: 'status',
      width: 110,
      render: (s: string) => <Tag color={STATUS_COLOR[s] ?? 'default'}>{t(`hist.status.${s}`)}</Tag>,
    },
    {
      key: 'sql',
      title: t('hist.col.sql'),
      dataIndex: 'sql',
      ellipsis: true,
      render: (sql: string, entry) => (
        <Flex vertical>
          <Typography.Text code ellipsis style={{ maxWidth: 560 }}>
            {sql}
          </Typography.Text>
          {entry.error && (
            <Typography.Text type="danger" ellipsis style={{ maxWidth: 560 }}>
              {entry.error}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      key: 'duration',
      title: t('hist.col.duration'),
      dataIndex: 'duration',
      width: 110,
      align: 'right',
      render: (ms: number) => t('hist.ms', { ms }),
    },
    {
      key: 'rows',
      title: t('hist.col.rows'),
      dataIndex: 'rows',
      width: 110,
      align: 'right',
      render: (n: number) => (n < 0 ? <Typography.Text type="secondary">{t('hist.streamedRows')}</Typography.Text> : n.toLocaleString()),
    },
    {
      key: 'actions',
      title: t('hist.col.actions'),
      width: 90,
      render: (_, entry) => (
        <Tooltip title={t('hist.open')}>
          <Button type="text" icon={<FolderOpenOutlined />} aria-label={t('hist.open')} data-testid="history-open" onClick={() => open(entry)} />
        </Tooltip>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={t('hist.title')} subtitle={t('hist.subtitle')} />
      <Input.Search
        allowClear
        data-testid="history-search"
        aria-label={t('hist.search')}
        placeholder={t('hist.search')}
        style={{ width: 280, marginBottom: 12 }}
        onSearch={(v) => {
          setKeyword(v);
          setPage(1);
        }}
      />
      {history.error ? (
        <ErrorState error={history.error} onRetry={history.refetch} />
      ) : (
        <Table<HistoryEntry>
          rowKey="id"
          data-testid="history-table"
          loading={history.isFetching}
          columns={columns}
          dataSource={data?.items ?? []}
          expandable={{
            expandedRowRender: (entry) => (
              <Flex vertical gap={8}>
                <Typography.Text strong>{t('hist.sql')}</Typography.Text>
                <SqlHighlight sql={entry.sql} />
                <Typography.Text strong>{t('hist.dsl')}</Typography.Text>
                <DslView dsl={entry.query} />
              </Flex>
            ),
          }}
          locale={{
            emptyText: history.isLoading ? ' ' : (
              <EmptyState
                description={keyword.trim() ? t('hist.emptyFiltered') : t('hist.empty')}
                action={
                  !keyword.trim() && (
                    <Button type="primary" onClick={() => navigate('/query')}>
                      {t('hist.toBuilder')}
                    </Button>
                  )
                }
              />
            ),
          }}
          pagination={{
            current: data?.page ?? page,
            pageSize: data?.pageSize ?? pageSize,
            total: data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('hist.total', { n: total }),
            onChange: (p, size) => {
              setPage(size !== pageSize ? 1 : p);
              setPageSize(size);
            },
          }}
        />
      )}
    </>
  );
}
