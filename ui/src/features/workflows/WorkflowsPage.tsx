// The workflows list (route `/workflows`): name, status, version, category and last change, a
// keyword search, "New workflow", and delete with confirmation. A row opens the designer.
import { DeleteOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Input, Popconfirm, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useDeleteWorkflowMutation, useListWorkflowsQuery } from '../../api/generated';
import { notify } from '../../app/notify';
import { EmptyState } from '../../common/EmptyState';
import { ErrorState } from '../../common/ErrorState';
import { PageHeader } from '../../common/PageHeader';
import { PermissionGate } from '../../common/PermissionGate';
import { useT } from '../../i18n';
import type { SavedWorkflow, WorkflowPage } from './model/types';

export default function WorkflowsPage() {
  const t = useT();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [text, setText] = useState('');
  const [keyword, setKeywordNow] = useState('');
  const setKeyword = (v: string) => {
    setKeywordNow(v);
    setPage(1);
  };
  // Searches as you type, once typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => {
      if (text !== keyword) setKeyword(text);
    }, 300);
    return () => clearTimeout(timer);
  }, [text]); // eslint-disable-line react-hooks/exhaustive-deps
  const list = useListWorkflowsQuery({ page, pageSize, keyword: keyword.trim() || undefined });
  const data = (list.data as { data?: WorkflowPage } | undefined)?.data;
  const [remove] = useDeleteWorkflowMutation();

  const columns: ColumnsType<SavedWorkflow> = [
    {
      key: 'name',
      title: t('wf.list.name'),
      dataIndex: 'name',
      render: (name: string, w) => (
        <>
          <Typography.Text strong>{name}</Typography.Text>
          {w.description && (
            <Typography.Text type="secondary" ellipsis style={{ display: 'block', maxWidth: 420 }}>
              {w.description}
            </Typography.Text>
          )}
        </>
      ),
    },
    {
      key: 'status',
      title: t('wf.list.status'),
      dataIndex: 'status',
      width: 120,
      render: (s: string) => <Tag color={s === 'published' ? 'green' : 'default'}>{t(`wf.status.${s}`)}</Tag>,
    },
    { key: 'version', title: t('wf.list.version'), dataIndex: 'latestVersion', width: 100, render: (v: number) => `v${v}` },
    { key: 'category', title: t('wf.list.category'), dataIndex: 'category', width: 160, render: (c?: string | null) => c || '—' },
    { key: 'updatedAt', title: t('wf.list.updated'), dataIndex: 'updatedAt', width: 190, render: (d: string) => new Date(d).toLocaleString() },
    {
      key: 'actions',
      title: t('wf.list.actions'),
      width: 90,
      render: (_, w) => (
        <PermissionGate permissions="workflow:write">
          <span onClick={(e) => e.stopPropagation()}>
            <Popconfirm
              title={t('wf.list.deleteConfirm', { name: w.name })}
              description={t('wf.list.deleteWarning')}
              okButtonProps={{ danger: true }}
              onConfirm={async () => {
                await remove({ id: w.id }).unwrap();
                notify({ level: 'success', title: t('wf.list.deleted', { name: w.name }) });
              }}
            >
              <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('wf.list.delete')} data-testid={`workflow-delete-${w.id}`} />
            </Popconfirm>
          </span>
        </PermissionGate>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('wf.list.title')}
        subtitle={t('wf.list.subtitle')}
        extra={
          <PermissionGate permissions="workflow:write">
            <Button type="primary" icon={<PlusOutlined />} data-testid="workflow-new" onClick={() => navigate('/workflows/new')}>
              {t('wf.list.new')}
            </Button>
          </PermissionGate>
        }
      />
      <Input
        allowClear
        prefix={<SearchOutlined />}
        data-testid="workflow-search"
        aria-label={t('wf.list.search')}
        placeholder={t('wf.list.search')}
        style={{ width: 280, marginBottom: 12 }}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onPressEnter={() => setKeyword(text)}
      />
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.refetch} />
      ) : (
        <Table<SavedWorkflow>
          rowKey="id"
          data-testid="workflow-table"
          loading={list.isFetching}
          columns={columns}
          dataSource={data?.items ?? []}
          onRow={(w) => ({ onClick: () => navigate(`/workflows/${w.id}`), style: { cursor: 'pointer' }, 'data-testid': `workflow-row-${w.id}` }) as React.HTMLAttributes<HTMLElement>}
          locale={{
            emptyText: list.isLoading ? ' ' : (
              <EmptyState
                description={keyword.trim() ? t('wf.list.emptyFiltered') : t('wf.list.empty')}
                action={
                  !keyword.trim() && (
                    <PermissionGate permissions="workflow:write">
                      <Button type="primary" onClick={() => navigate('/workflows/new')}>
                        {t('wf.list.new')}
                      </Button>
                    </PermissionGate>
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
            showTotal: (total) => t('wf.list.total', { n: total }),
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
