// A workflow's executions (route `/workflows/:id/executions`), newest first, filtered by status;
// a row opens the execution, live, in a drawer.
import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Drawer, Flex, Select, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { HTMLAttributes, KeyboardEvent } from 'react';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useListExecutionsQuery } from '../../api/generated';
import { EmptyState } from '../../common/EmptyState';
import { ErrorState } from '../../common/ErrorState';
import { PageHeader } from '../../common/PageHeader';
import { useT } from '../../i18n';
import ExecutionPanel from './execution/ExecutionPanel';
import { EXECUTION_STATUSES, toExecutionPage, type ExecutionView } from './execution/executionModel';
import { EXECUTION_COLOR, formatDuration, formatTime } from './execution/format';

export default function ExecutionsPage() {
  const t = useT();
  const { id = '' } = useParams<{ id: string }>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [status, setStatus] = useState<string>();
  // `?open=<executionId>` (a notification's link) opens that execution at once.
  const [search] = useSearchParams();
  const [openId, setOpenId] = useState<string | undefined>(() => search.get('open') ?? undefined);
  const list = useListExecutionsQuery({ id, page, pageSize, status }, { skip: !id });
  const data = toExecutionPage((list.data as { data?: unknown } | undefined)?.data);

  const columns: ColumnsType<ExecutionView> = [
    {
      key: 'id',
      title: t('wfx.col.id'),
      dataIndex: 'executionId',
      render: (executionId: string) => <Typography.Text code>{executionId}</Typography.Text>,
    },
    {
      key: 'status',
      title: t('wfx.col.status'),
      dataIndex: 'status',
      width: 120,
      render: (s: string) => (
        <Tag color={EXECUTION_COLOR[s] ?? 'default'} data-status={s}>
          {t(`wfx.status.${s}`)}
        </Tag>
      ),
    },
    {
      key: 'started',
      title: t('wfx.col.started'),
      width: 190,
      render: (_, e) => formatTime(e.startedAt ?? e.createdAt),
    },
    { key: 'duration', title: t('wfx.col.duration'), width: 110, align: 'right', render: (_, e) => formatDuration(t, e.duration) },
    { key: 'trigger', title: t('wfx.col.trigger'), width: 110, render: (_, e) => (e.trigger ? t(`wfx.trigger.${e.trigger}`) : '—') },
    { key: 'version', title: t('wfx.col.version'), width: 90, align: 'right', render: (_, e) => e.version ?? '—' },
    {
      key: 'error',
      title: t('wfx.col.error'),
      ellipsis: true,
      render: (_, e) =>
        e.error ? (
          <Typography.Text type="danger" ellipsis={{ tooltip: e.error }}>
            {e.error}
          </Typography.Text>
        ) : null,
    },
  ];

  const rowProps = (e: ExecutionView): HTMLAttributes<HTMLElement> => ({
    ['data-testid' as string]: `execution-row-${e.executionId}`,
    tabIndex: 0,
    onClick: () => setOpenId(e.executionId),
    onKeyDown: (k: KeyboardEvent<HTMLElement>) => {
      if (k.key === 'Enter' || k.key === ' ') {
        k.preventDefault();
        setOpenId(e.executionId);
      }
    },
    style: { cursor: 'pointer' },
  });

  return (
    <>
      <PageHeader
        title={t('wfx.page.title')}
        subtitle={t('wfx.page.subtitle')}
        extra={
          <>
            <Link to={`/workflows/${encodeURIComponent(id)}`} data-testid="executions-back" style={{ alignSelf: 'center' }}>
              <ArrowLeftOutlined /> {t('wfx.page.back')}
            </Link>
            <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} loading={list.isFetching} data-testid="executions-refresh">
              {t('wfx.page.refresh')}
            </Button>
          </>
        }
      />
      <Flex gap={12} style={{ marginBottom: 12 }}>
        <Select<string>
          allowClear
          data-testid="executions-status-filter"
          aria-label={t('wfx.page.filter')}
          placeholder={t('wfx.page.allStatuses')}
          style={{ width: 200 }}
          value={status}
          onChange={(v) => {
            setStatus(v || undefined);
            setPage(1);
          }}
          options={EXECUTION_STATUSES.map((s) => ({ value: s, label: t(`wfx.status.${s}`) }))}
        />
      </Flex>
      {list.error ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<ExecutionView>
          rowKey="executionId"
          data-testid="executions-table"
          aria-label={t('wfx.page.title')}
          loading={list.isFetching}
          columns={columns}
          dataSource={data?.items ?? []}
          onRow={rowProps}
          locale={{
            emptyText: list.isLoading ? ' ' : <EmptyState description={status ? t('wfx.page.emptyFiltered') : t('wfx.page.empty')} />,
          }}
          pagination={{
            current: data?.page ?? page,
            pageSize: data?.pageSize ?? pageSize,
            total: data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('wfx.page.total', { n: total }),
            onChange: (p, size) => {
              setPage(size !== pageSize ? 1 : p);
              setPageSize(size);
            },
          }}
        />
      )}
      <Drawer
        open={openId !== undefined}
        onClose={() => setOpenId(undefined)}
        size={880}
        destroyOnHidden
        title={openId ? t('wfx.page.drawerTitle', { id: openId }) : undefined}
        data-testid="execution-drawer"
      >
        {openId && <ExecutionPanel key={openId} executionId={openId} onRetried={setOpenId} />}
      </Drawer>
    </>
  );
}
