// `/datasources/:id/schema`: tables with row estimates (filterable), and a table's columns,
// indexes and foreign keys. "Refresh" reads the catalog again instead of the server's cache.
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Empty, Input, Menu, Result, Row, Skeleton, Space, Typography } from 'antd';
import { ArrowLeftOutlined, EyeOutlined, ReloadOutlined, TableOutlined } from '@ant-design/icons';
import { useGetDatasourceQuery, useLazyListTablesQuery, useListTablesQuery } from '../../api/generated';
import { notify } from '../../app/notify';
import { useT } from '../../i18n';
import { lowerCamel } from '../dataPages/introspection';
import { apiErrorOf } from './apiErrors';
import { TableDetails } from './TableDetails';
import { TypeTag } from './DatasourceBits';

export default function SchemaPage() {
  const t = useT();
  const navigate = useNavigate();
  const { id = '' } = useParams<{ id: string }>();
  const [params, setParams] = useSearchParams();
  const [filter, setFilter] = useState('');
  const ds = useGetDatasourceQuery({ id });
  const tables = useListTablesQuery({ id, includeColumns: true, includeIndexes: true });
  const [reread, rereading] = useLazyListTablesQuery();
  const selected = params.get('table');

  const all = useMemo(() => tables.data?.data?.tables ?? [], [tables.data]);
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle ? all.filter((tb) => tb.name.toLowerCase().includes(needle)) : all;
  }, [all, filter]);
  const current = all.find((tb) => tb.name === selected);

  const onRefresh = async () => {
    try {
      await reread({ id, includeColumns: true, includeIndexes: true, refresh: true }).unwrap();
      // The cached entry without `refresh` is what the page shows: fetch it again (now fresh).
      await tables.refetch();
      notify({ level: 'success', title: t('datasources.schema.refreshed'), key: `schema-refresh:${id}` });
    } catch (error) {
      notify({ level: 'error', title: t('datasources.schema.loadError'), description: apiErrorOf(error).message });
    }
  };

  if (ds.isError) {
    const status = apiErrorOf(ds.error).status;
    return (
      <Result
        status={status === 404 ? '404' : 'error'}
        title={status === 404 ? t('datasources.notFound') : apiErrorOf(ds.error).message}
        extra={<Link to="/datasources">{t('datasources.back')}</Link>}
      />
    );
  }

  const view = ds.data?.data;
  const header = (
    <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
      <Space>
        <Link to="/datasources" aria-label={t('datasources.back')}>
          <ArrowLeftOutlined />
        </Link>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('datasources.schema.title', { name: view?.name ?? '' })}
        </Typography.Title>
        {view && <TypeTag type={view.type} />}
      </Space>
      <Space>
        {view && current && lowerCamel(current.name) && (
          <Button icon={<EyeOutlined />} onClick={() => navigate(`/data/${encodeURIComponent(view.code)}/${lowerCamel(current.name)}`)}>
            {t('datasources.schema.openData')}
          </Button>
        )}
        <Button icon={<ReloadOutlined />} onClick={onRefresh} loading={rereading.isFetching} data-testid="schema-refresh">
          {t('datasources.schema.refresh')}
        </Button>
      </Space>
    </Space>
  );

  let body;
  if (tables.isLoading) {
    body = <Skeleton active paragraph={{ rows: 8 }} />;
  } else if (tables.isError && !tables.data) {
    body = (
      <Alert
        type="error"
        showIcon
        data-testid="schema-error"
        title={t('datasources.schema.loadError')}
        description={apiErrorOf(tables.error).message}
        action={<Button onClick={() => tables.refetch()}>{t('common.retry')}</Button>}
      />
    );
  } else if (!all.length) {
    body = <Empty description={t('datasources.schema.noTables')} />;
  } else {
    body = (
      <Row gutter={16}>
        <Col xs={24} md={8} lg={6}>
          <Card size="small" title={t('datasources.schema.tables', { count: all.length })}>
            <Input.Search
              allowClear
              placeholder={t('datasources.schema.filter')}
              aria-label={t('datasources.schema.filter')}
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              data-testid="schema-filter"
              style={{ marginBottom: 8 }}
            />
            {shown.length ? (
              <Menu
                data-testid="schema-table-list"
                mode="inline"
                style={{ borderInlineEnd: 'none', maxHeight: '65vh', overflow: 'auto' }}
                selectedKeys={selected ? [selected] : []}
                onClick={({ key }) => setParams({ table: key }, { replace: true })}
                items={shown.map((tb) => ({
                  key: tb.name,
                  icon: tb.kind === 'view' ? <EyeOutlined /> : <TableOutlined />,
                  label: (
                    <span data-testid={`schema-table-${tb.name}`} style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                      <span>{tb.name}</span>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {tb.rows !== null && tb.rows !== undefined
                          ? t('datasources.schema.rows', { rows: tb.rows.toLocaleString() })
                          : t('datasources.schema.rowsUnknown')}
                      </Typography.Text>
                    </span>
                  ),
                }))}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('datasources.schema.noMatch', { filter })} />
            )}
          </Card>
        </Col>
        <Col xs={24} md={16} lg={18}>
          <Card size="small">
            {current ? <TableDetails table={current} /> : <Empty description={t('datasources.schema.pick')} />}
          </Card>
        </Col>
      </Row>
    );
  }

  return (
    <div data-testid="schema-page">
      {header}
      {body}
    </div>
  );
}
