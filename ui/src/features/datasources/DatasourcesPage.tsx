// `/datasources`: the registered datasources with type, status and default marker; test, schema,
// data, edit and delete per row.
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { App, Button, Empty, Input, Modal, Result, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ApiOutlined, DeleteOutlined, EditOutlined, PlusOutlined, StarFilled, TableOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { useDeleteDatasourceMutation, useListDatasourcesQuery, useTestSavedMutation } from '../../api/generated';
import { notify } from '../../app/notify';
import { useAppSelector } from '../../app/hooks';
import { usePermission } from '../../common/PermissionGate';
import { checkPermissions } from '../../common/permissions';
import { useT } from '../../i18n';
import { apiErrorOf } from './apiErrors';
import { StatusBadge, TestResult, TypeTag } from './DatasourceBits';
import type { DatasourceView, ProbeView } from './types';

const PAGE_SIZE = 20;

function target(ds: DatasourceView): string {
  const c = ds.connection;
  if (ds.type === 'sqlite') return c.database;
  return `${c.username ? `${c.username}@` : ''}${c.host}:${c.port}/${c.database}`;
}

export default function DatasourcesPage() {
  const t = useT();
  const navigate = useNavigate();
  const { modal } = App.useApp();
  const [keyword, setKeyword] = useState('');
  const [page, setPage] = useState(1);
  const list = useListDatasourcesQuery({ page, pageSize: PAGE_SIZE, keyword: keyword || undefined });
  const [remove] = useDeleteDatasourceMutation();
  const [test] = useTestSavedMutation();
  const [testing, setTesting] = useState<string | null>(null);
  const [probe, setProbe] = useState<{ ds: DatasourceView; result: ProbeView } | null>(null);
  const held = useAppSelector((state) => state.user.permissions);
  // Per datasource: a grant may be scoped to one code (`datasource:write:sales`).
  const canWrite = (ds: DatasourceView) => checkPermissions(held, 'datasource:write', { on: ds.code });
  const canCreate = usePermission('datasource:write', { everywhere: true });
  const canTest = (ds: DatasourceView) => checkPermissions(held, 'datasource:test', { on: ds.code });

  const items = list.data?.data?.items ?? [];
  const total = list.data?.data?.total ?? 0;

  const onTest = async (ds: DatasourceView) => {
    setTesting(ds.id);
    try {
      const answer = await test({ id: ds.id }).unwrap();
      if (answer.data) setProbe({ ds, result: answer.data });
    } catch (error) {
      const e = apiErrorOf(error);
      notify({ level: 'error', title: t('datasources.test.failedNoStage'), description: e.message, key: `ds-test:${ds.id}` });
    } finally {
      setTesting(null);
    }
  };

  const onDelete = (ds: DatasourceView) => {
    modal.confirm({
      title: t('datasources.delete.title', { name: ds.name }),
      content: t('datasources.delete.content'),
      okText: t('datasources.delete.ok'),
      okButtonProps: { danger: true, 'data-testid': 'datasource-delete-confirm' } as never,
      cancelText: t('datasources.form.cancel'),
      onOk: async () => {
        try {
          await remove({ id: ds.id }).unwrap();
          notify({ level: 'success', title: t('datasources.deleted', { name: ds.name }) });
        } catch {
          // The API client has already reported the failure.
        }
      },
    });
  };

  const columns: ColumnsType<DatasourceView> = [
    {
      title: t('datasources.col.name'),
      dataIndex: 'name',
      render: (_, ds) => (
        <Space>
          <Link to={`/datasources/${ds.id}/schema`} data-testid="datasource-name">
            {ds.name}
          </Link>
          {ds.isDefault && (
            <Tag icon={<StarFilled />} color="gold" data-testid="datasource-default">
              {t('datasources.default')}
            </Tag>
          )}
          {ds.readOnly && <Tag>{t('datasources.readOnly')}</Tag>}
        </Space>
      ),
    },
    { title: t('datasources.col.code'), dataIndex: 'code', render: (code: string) => <Typography.Text code>{code}</Typography.Text> },
    { title: t('datasources.col.type'), dataIndex: 'type', render: (type: string) => <TypeTag type={type} /> },
    {
      title: t('datasources.col.target'),
      key: 'target',
      responsive: ['lg'],
      render: (_, ds) => <Typography.Text type="secondary" ellipsis={{ tooltip: target(ds) }} style={{ maxWidth: 280 }}>{target(ds)}</Typography.Text>,
    },
    {
      title: t('datasources.col.status'),
      dataIndex: 'status',
      render: (_, ds) => <StatusBadge status={ds.status} stage={ds.statusStage} reason={ds.statusReason} />,
    },
    {
      title: t('datasources.col.actions'),
      key: 'actions',
      render: (_, ds) => (
        <Space size="small" wrap>
          {canTest(ds) && (
            <Tooltip title={t('datasources.test.button')}>
              <Button size="small" icon={<ApiOutlined />} loading={testing === ds.id} onClick={() => onTest(ds)} data-testid="datasource-row-test">
                {t('datasources.action.test')}
              </Button>
            </Tooltip>
          )}
          <Button size="small" icon={<UnorderedListOutlined />} onClick={() => navigate(`/datasources/${ds.id}/schema`)}>
            {t('datasources.action.schema')}
          </Button>
          <Button size="small" icon={<TableOutlined />} onClick={() => navigate(`/data?module=${encodeURIComponent(ds.code)}`)}>
            {t('datasources.action.data')}
          </Button>
          {canWrite(ds) && (
            <Button size="small" icon={<EditOutlined />} onClick={() => navigate(`/datasources/${ds.id}/edit`)} data-testid="datasource-edit">
              {t('datasources.action.edit')}
            </Button>
          )}
          {canWrite(ds) && (
            <Button size="small" danger icon={<DeleteOutlined />} onClick={() => onDelete(ds)} data-testid="datasource-delete">
              {t('datasources.action.delete')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  if (list.isError && !list.data) {
    return (
      <Result
        status="error"
        title={t('datasources.loadError')}
        subTitle={apiErrorOf(list.error).message}
        extra={<Button onClick={() => list.refetch()}>{t('common.retry')}</Button>}
      />
    );
  }

  const empty = keyword ? (
    <Empty description={t('datasources.empty.noMatch', { keyword })} />
  ) : (
    <Empty description={<><Typography.Text strong>{t('datasources.empty.title')}</Typography.Text><br />{t('datasources.empty.description')}</>}>
      {canCreate && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/datasources/new')}>
          {t('datasources.new')}
        </Button>
      )}
    </Empty>
  );

  return (
    <div data-testid="datasources-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('datasources.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('datasources.subtitle')}</Typography.Text>
        </div>
        <Space>
          <Input.Search
            allowClear
            placeholder={t('datasources.search')}
            aria-label={t('datasources.search')}
            onSearch={(value) => {
              setKeyword(value.trim());
              setPage(1);
            }}
            data-testid="datasource-search"
            style={{ width: 260 }}
          />
          {canCreate && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/datasources/new')} data-testid="datasource-new">
              {t('datasources.new')}
            </Button>
          )}
        </Space>
      </Space>
      <Table<DatasourceView>
        rowKey="id"
        data-testid="datasource-list"
        columns={columns}
        dataSource={items}
        loading={list.isFetching}
        locale={{ emptyText: list.isLoading ? ' ' : empty }}
        pagination={{ current: page, pageSize: PAGE_SIZE, total, hideOnSinglePage: true, onChange: setPage }}
      />
      <Modal
        open={!!probe}
        title={probe ? `${t('datasources.test.button')}: ${probe.ds.name}` : ''}
        onCancel={() => setProbe(null)}
        footer={<Button onClick={() => setProbe(null)}>{t('datasources.test.close')}</Button>}
      >
        {probe && <TestResult result={probe.result} />}
      </Modal>
    </div>
  );
}
