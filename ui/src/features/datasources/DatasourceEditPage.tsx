// `/datasources/new` and `/datasources/:id/edit`: the datasource form, its connection test, and
// the server's field errors shown on their fields.
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Form, Result, Skeleton, Space, Typography } from 'antd';
import { ApiOutlined, ArrowLeftOutlined, SaveOutlined } from '@ant-design/icons';
import {
  useCreateDatasourceMutation,
  useGetDatasourceQuery,
  useTestSavedMutation,
  useTestUnsavedMutation,
  useUpdateDatasourceMutation,
} from '../../api/generated';
import { notify } from '../../app/notify';
import { useT } from '../../i18n';
import { apiErrorOf } from './apiErrors';
import { emptyValues, fromView, mapFieldErrors, toBody, type DatasourceFormValues } from './datasourceForm';
import { DatasourceFormFields } from './DatasourceFormFields';
import { TestResult } from './DatasourceBits';
import type { ProbeView } from './types';

function isProbe(value: unknown): value is ProbeView {
  return !!value && typeof value === 'object' && 'success' in value && 'latency' in value && 'message' in value;
}

export default function DatasourceEditPage() {
  const t = useT();
  const navigate = useNavigate();
  const { id } = useParams<{ id: string }>();
  const mode = id ? 'update' : 'create';
  const [form] = Form.useForm<DatasourceFormValues>();
  const existing = useGetDatasourceQuery({ id: id ?? '' }, { skip: !id });
  const view = existing.data?.data;
  const [create, creating] = useCreateDatasourceMutation();
  const [update, updating] = useUpdateDatasourceMutation();
  const [testUnsaved, testingUnsaved] = useTestUnsavedMutation();
  const [testSaved, testingSaved] = useTestSavedMutation();
  const [probe, setProbe] = useState<ProbeView | null>(null);
  const [probeHint, setProbeHint] = useState<string | undefined>();
  const [banner, setBanner] = useState<{ title: string; details: string[] } | null>(null);
  const [loadedId, setLoadedId] = useState<string | null>(null);

  useEffect(() => {
    if (view && loadedId !== view.id) {
      form.setFieldsValue(fromView(view));
      setLoadedId(view.id);
    }
  }, [view, loadedId, form]);

  const showErrors = (error: unknown, title: string) => {
    const apiError = apiErrorOf(error);
    const mapped = mapFieldErrors(apiError.errors);
    form.setFields(mapped.fields);
    if (isProbe(apiError.data)) setProbe(apiError.data);
    const details = mapped.other.length ? mapped.other : mapped.fields.length ? [] : [apiError.message];
    setBanner({ title: mapped.fields.length ? t('datasources.form.fixErrors') : title, details });
  };

  const onTest = async () => {
    setBanner(null);
    setProbe(null);
    setProbeHint(undefined);
    const values = form.getFieldsValue(true) as DatasourceFormValues;
    try {
      const unchanged = !!view && JSON.stringify(toBody(values, 'update')) === JSON.stringify(toBody(fromView(view), 'update'));
      if (id && unchanged) {
        const answer = await testSaved({ id }).unwrap();
        if (answer.data) setProbe(answer.data);
      } else {
        const answer = await testUnsaved({ datasourceBody: toBody(values, 'test') }).unwrap();
        if (answer.data) setProbe(answer.data);
        if (id && view?.connection.password && !values.password && answer.data && !answer.data.success) {
          setProbeHint(t('datasources.form.testNeedsPassword'));
        }
      }
    } catch (error) {
      showErrors(error, t('datasources.test.failedNoStage'));
    }
  };

  const onSave = async (values: DatasourceFormValues) => {
    setBanner(null);
    try {
      if (id) {
        const answer = await update({ id, datasourceBody: toBody(values, 'update') }).unwrap();
        notify({ level: 'success', title: t('datasources.form.updated', { name: answer.data?.name ?? values.name }) });
      } else {
        const answer = await create({ datasourceBody: toBody(values, 'create') }).unwrap();
        notify({ level: 'success', title: t('datasources.form.created', { name: answer.data?.name ?? values.name }) });
      }
      navigate('/datasources');
    } catch (error) {
      showErrors(error, t('datasources.form.notSaved'));
    }
  };

  if (id && existing.isLoading) return <Skeleton active paragraph={{ rows: 10 }} />;
  if (id && existing.isError) {
    const status = apiErrorOf(existing.error).status;
    return (
      <Result
        status={status === 404 ? '404' : 'error'}
        title={status === 404 ? t('datasources.notFound') : apiErrorOf(existing.error).message}
        extra={<Link to="/datasources">{t('datasources.back')}</Link>}
      />
    );
  }

  return (
    <div data-testid="datasource-edit-page">
      <Space style={{ marginBottom: 16 }}>
        <Link to="/datasources" aria-label={t('datasources.back')}>
          <ArrowLeftOutlined />
        </Link>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {id ? t('datasources.form.editTitle', { name: view?.name ?? '' }) : t('datasources.form.createTitle')}
        </Typography.Title>
      </Space>
      <Form<DatasourceFormValues>
        form={form}
        name="datasource"
        layout="vertical"
        initialValues={emptyValues()}
        onFinish={onSave}
        onValuesChange={() => setProbe(null)}
        scrollToFirstError
      >
        <DatasourceFormFields mode={mode} hasStoredPassword={!!view?.connection.password} />
        {banner && (
          <Alert
            type="error"
            showIcon
            data-testid="datasource-form-error"
            style={{ marginBottom: 16 }}
            title={banner.title}
            description={banner.details.length ? banner.details.map((d) => <div key={d}>{d}</div>) : undefined}
          />
        )}
        {probe && (
          <div style={{ marginBottom: 16 }}>
            <TestResult result={probe} hint={probeHint} />
          </div>
        )}
        <Space>
          <Button
            icon={<ApiOutlined />}
            onClick={onTest}
            loading={testingUnsaved.isLoading || testingSaved.isLoading}
            data-testid="datasource-test"
          >
            {t('datasources.test.button')}
          </Button>
          <Button
            type="primary"
            htmlType="submit"
            icon={<SaveOutlined />}
            loading={creating.isLoading || updating.isLoading}
            data-testid="datasource-save"
          >
            {t('datasources.form.save')}
          </Button>
          <Button onClick={() => navigate('/datasources')}>{t('datasources.form.cancel')}</Button>
        </Space>
      </Form>
    </div>
  );
}
