// `/data/:module/:model`: the generated page of one model — RSQL filter bar, sortable paged list
// (`queryPage`), and a drawer form to create, update and delete records (`{model}Mutation`).
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Breadcrumb, Button, Popconfirm, Result, Skeleton, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { usePermission } from '../../common/PermissionGate';
import { useT } from '../../i18n';
import { FilterBar } from './FilterBar';
import {
  asFailure,
  useGatewayDeleteMutation,
  useGatewayModelsQuery,
  useGatewayPageQuery,
  type GatewayRecord,
  type SortOrder,
} from './gatewayApi';
import { withPkHints } from './introspection';
import { RecordForm } from './RecordForm';
import { recordKey, RecordTable } from './RecordTable';
import { usePkHints } from './usePkHints';

const DEFAULT_SIZE = 15;

export default function ModelPage() {
  const t = useT();
  const { module = '', model: modelName = '' } = useParams<{ module: string; model: string }>();
  const models = useGatewayModelsQuery({ module }, { skip: !module });
  const { hints } = usePkHints(module);
  const model = useMemo(
    () => withPkHints(models.data ?? [], hints).find((m) => m.model === modelName),
    [models.data, hints, modelName],
  );
  const canWrite = usePermission('datasource:write', { on: module });

  const [rsql, setRsql] = useState('');
  const [page, setPage] = useState(1);
  const [size, setSize] = useState(DEFAULT_SIZE);
  const [sort, setSort] = useState<SortOrder[]>([]);
  const [selected, setSelected] = useState<React.Key[]>([]);
  const [editing, setEditing] = useState<{ record: GatewayRecord | null } | null>(null);

  const fields = useMemo(() => model?.fields.map((f) => f.name) ?? [], [model]);
  const records = useGatewayPageQuery(
    { module, model: modelName, typeName: model?.typeName ?? '', fields, currentPage: page, size, sort, rsql: rsql || undefined },
    { skip: !model },
  );
  const [remove, removing] = useGatewayDeleteMutation();

  if (models.isLoading) return <Skeleton active paragraph={{ rows: 10 }} />;
  if (models.isError) {
    return (
      <Result
        status="error"
        title={t('dataPages.home.loadError', { module })}
        subTitle={asFailure(models.error)?.message}
        extra={<Button onClick={() => models.refetch()}>{t('dataPages.model.retry')}</Button>}
      />
    );
  }
  if (!model) {
    return (
      <Result
        status="404"
        title={t('dataPages.model.unknown', { module, model: modelName })}
        extra={<Link to={`/data?module=${encodeURIComponent(module)}`}>{t('dataPages.model.backHome')}</Link>}
      />
    );
  }

  const writable = model.writable && canWrite;
  const content = records.data?.content ?? [];
  const pkOf = (record: GatewayRecord) => Object.fromEntries((model.pk ?? []).map((k) => [k, record[k]]));
  const base = { module, model: model.model, typeName: model.typeName, fields };

  const deleteRecords = async (list: GatewayRecord[]) => {
    try {
      await remove({ ...base, dataList: list.map(pkOf) }).unwrap();
      setSelected([]);
    } catch {
      // gql has notified the failure.
    }
  };

  const selectedRecords = content.filter((r, i) => selected.includes(recordKey(model, r, i)));
  const failure = records.isError ? asFailure(records.error) : undefined;

  return (
    <div data-testid="model-page" data-module={module} data-model={model.model}>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[
          { title: <Link to="/data">{t('dataPages.model.breadcrumb')}</Link> },
          { title: <Link to={`/data?module=${encodeURIComponent(module)}`}>{module}</Link> },
          { title: model.model },
        ]}
      />
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('dataPages.model.title', { model: model.typeName })}
        </Typography.Title>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={() => records.refetch()} loading={records.isFetching} data-testid="record-reload">
            {t('dataPages.model.refresh')}
          </Button>
          {writable && selected.length > 0 && (
            <Popconfirm
              title={t('dataPages.model.deleteSelectedConfirm', { count: selectedRecords.length })}
              onConfirm={() => deleteRecords(selectedRecords)}
              okButtonProps={{ danger: true }}
            >
              <Button danger icon={<DeleteOutlined />} loading={removing.isLoading} data-testid="record-delete-selected">
                {t('dataPages.model.deleteSelected', { count: selectedRecords.length })}
              </Button>
            </Popconfirm>
          )}
          {writable && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ record: null })} data-testid="record-new">
              {t('dataPages.model.new')}
            </Button>
          )}
        </Space>
      </Space>

      {writable && !model.pk?.length && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('dataPages.model.noPk')} />}

      <FilterBar
        fields={model.fields}
        applied={rsql}
        onApply={(next) => {
          setRsql(next);
          setPage(1);
          setSelected([]);
        }}
      />

      {failure && (
        <Alert
          type="error"
          showIcon
          data-testid="record-load-error"
          style={{ marginBottom: 16 }}
          title={t('dataPages.model.loadError')}
          description={<pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{failure.message}</pre>}
          action={<Button onClick={() => records.refetch()}>{t('dataPages.model.retry')}</Button>}
        />
      )}

      <RecordTable
        model={model}
        records={failure ? [] : content}
        total={records.data?.totalElements ?? 0}
        page={page}
        size={size}
        sort={sort}
        loading={records.isFetching}
        filtered={!!rsql}
        writable={writable}
        selected={selected}
        onSelect={setSelected}
        onChange={(c) => {
          setPage(c.page);
          setSize(c.size);
          setSort(c.sort);
        }}
        onEdit={(record) => setEditing({ record })}
        onDelete={(record) => deleteRecords([record])}
      />

      <RecordForm
        module={module}
        model={model}
        record={editing?.record ?? null}
        open={!!editing}
        onClose={() => setEditing(null)}
        onSaved={() => setEditing(null)}
      />
    </div>
  );
}
