// `/data`: pick a module (a datasource, by code) and one of its models, discovered by GraphQL
// introspection of `/pamirs/{code}`.
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Empty, Result, Row, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { KeyOutlined, LockOutlined, TableOutlined } from '@ant-design/icons';
import { useListDatasourcesQuery } from '../../api/generated';
import { useT } from '../../i18n';
import { asFailure, useGatewayModelsQuery } from './gatewayApi';

function ModelList({ module }: { module: string }) {
  const t = useT();
  const models = useGatewayModelsQuery({ module });
  if (models.isLoading) return <Skeleton active />;
  if (models.isError) {
    return (
      <Alert
        type="error"
        showIcon
        title={t('dataPages.home.loadError', { module })}
        description={asFailure(models.error)?.message}
        action={<Button onClick={() => models.refetch()}>{t('dataPages.model.retry')}</Button>}
      />
    );
  }
  const list = models.data ?? [];
  if (!list.length) return <Empty description={t('dataPages.home.noModels')} />;
  return (
    <>
      <Typography.Title level={5}>{t('dataPages.home.models', { module })}</Typography.Title>
      <Row gutter={[16, 16]} data-testid="data-model-list">
        {list.map((m) => (
          <Col key={m.model} xs={24} sm={12} lg={8} xl={6}>
            <Link to={`/data/${encodeURIComponent(module)}/${m.model}`} data-testid={`data-model-${m.model}`}>
              <Card hoverable size="small" title={<Space><TableOutlined />{m.typeName}</Space>}>
                <Space wrap size={[4, 4]}>
                  <Tag>{t('dataPages.home.fields', { count: m.fields.length })}</Tag>
                  {m.pk?.length ? <Tag icon={<KeyOutlined />} color="gold">{m.pk.join(', ')}</Tag> : null}
                  {!m.writable && <Tag icon={<LockOutlined />}>{t('dataPages.home.readOnly')}</Tag>}
                </Space>
                <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ marginTop: 8, marginBottom: 0 }}>
                  {m.fields.map((f) => f.name).join(', ')}
                </Typography.Paragraph>
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
    </>
  );
}

export default function DataHomePage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const datasources = useListDatasourcesQuery({ pageSize: 100 });
  const items = datasources.data?.data?.items ?? [];
  const requested = params.get('module');
  const module = requested ?? items.find((ds) => ds.isDefault)?.code ?? items[0]?.code ?? null;

  let body;
  if (datasources.isLoading) body = <Skeleton active />;
  else if (datasources.isError && !datasources.data) {
    body = (
      <Result
        status="error"
        title={t('dataPages.home.modulesError')}
        extra={<Button onClick={() => datasources.refetch()}>{t('dataPages.model.retry')}</Button>}
      />
    );
  } else if (!items.length) {
    body = (
      <Empty description={<><Typography.Text strong>{t('dataPages.home.noModules')}</Typography.Text><br />{t('dataPages.home.noModulesHelp')}</>}>
        <Link to="/datasources/new">{t('datasources.new')}</Link>
      </Empty>
    );
  } else {
    body = (
      <>
        <Space style={{ marginBottom: 16 }}>
          <Typography.Text>{t('dataPages.home.module')}</Typography.Text>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            virtual={false}
            data-testid="data-module"
            aria-label={t('dataPages.home.module')}
            placeholder={t('dataPages.home.pickModule')}
            value={module ?? undefined}
            onChange={(code: string) => setParams({ module: code })}
            options={items.map((ds) => ({ value: ds.code, label: `${ds.name} (${ds.code})` }))}
            style={{ minWidth: 280 }}
          />
        </Space>
        {module && <ModelList key={module} module={module} />}
      </>
    );
  }

  return (
    <div data-testid="data-home-page">
      <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 0 }}>
        {t('dataPages.home.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('dataPages.home.subtitle')}</Typography.Paragraph>
      {body}
    </div>
  );
}
