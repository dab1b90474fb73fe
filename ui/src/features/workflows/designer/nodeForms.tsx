// The forms of the node types with more than a field or two — query, API call — and the parts
// several types share (output name, retries and timeout), for the node panel.
import { Button, Divider, Input, Segmented, Select, Space, Switch } from 'antd';
import { ApartmentOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useListDatasourcesQuery, useListTemplatesQuery } from '../../../api/generated';
import { useT } from '../../../i18n';
import { HTTP_METHODS, type NodeConfig, type RetryPolicy } from '../model/types';
import { Field, JsonField, KeyValueList, NativeSelect, NumberField } from './fields';
import { QueryBuilderDialog } from './QueryBuilderDialog';

export type FormProps = { config: NodeConfig; setConfig: (patch: NodeConfig, field: string) => void; readOnly: boolean };

export function OutputField({ config, setConfig, readOnly }: FormProps) {
  const t = useT();
  return (
    <Field label={t('wf.output')}>
      <Input
        data-testid="wf-output"
        aria-label={t('wf.output')}
        placeholder={t('wf.output.placeholder')}
        value={typeof config.output === 'string' ? config.output : ''}
        disabled={readOnly}
        onChange={(e) => setConfig({ output: e.target.value || undefined }, 'output')}
      />
    </Field>
  );
}

export function QueryForm({ config, setConfig, readOnly }: FormProps) {
  const t = useT();
  const datasources = useListDatasourcesQuery({ pageSize: 100 });
  const templates = useListTemplatesQuery({ pageSize: 100 });
  const [mode, setMode] = useState<'dsl' | 'model'>(config.model !== undefined && config.query === undefined ? 'model' : 'dsl');
  const dsItems = datasources.data?.data?.items ?? [];
  const tplItems = templates.data?.data?.items ?? [];
  const [building, setBuilding] = useState(false);
  return (
    <>
      <Field label={t('wf.query.datasource')}>
        <Select
          data-testid="wf-datasource"
          aria-label={t('wf.query.datasource')}
          style={{ width: '100%' }}
          showSearch={{ optionFilterProp: 'label' }}
          loading={datasources.isLoading}
          disabled={readOnly}
          value={typeof config.datasourceId === 'string' && config.datasourceId ? config.datasourceId : undefined}
          placeholder={datasources.error ? t('wf.query.datasourceError') : t('wf.query.datasourcePick')}
          options={dsItems.map((d) => ({ value: d.id, label: `${d.name} (${d.code})` }))}
          onChange={(v: string) => setConfig({ datasourceId: v }, 'datasourceId')}
        />
      </Field>
      <Segmented
        block
        style={{ marginBottom: 10 }}
        value={mode}
        disabled={readOnly}
        options={[
          { value: 'dsl', label: t('wf.query.modeDsl') },
          { value: 'model', label: t('wf.query.modeModel') },
        ]}
        onChange={(v) => {
          const next = v as 'dsl' | 'model';
          setMode(next);
          if (next === 'model') setConfig({ query: undefined, model: typeof config.model === 'string' ? config.model : '' }, 'mode');
          else setConfig({ model: undefined, rsql: undefined, query: config.query ?? { tables: [] } }, 'mode');
        }}
      />
      {mode === 'dsl' ? (
        <>
          <Field label={t('wf.query.template')}>
            <Select
              data-testid="wf-query-template"
              aria-label={t('wf.query.template')}
              style={{ width: '100%' }}
              value={null}
              disabled={readOnly}
              loading={templates.isLoading}
              placeholder={t('wf.query.templatePick')}
              notFoundContent={t('wf.query.noTemplates')}
              options={tplItems.map((tpl) => ({ value: tpl.id, label: tpl.name }))}
              onChange={(id: string) => {
                const tpl = tplItems.find((x) => x.id === id);
                if (!tpl) return;
                setConfig({ query: tpl.query, ...(tpl.datasourceId && !config.datasourceId ? { datasourceId: tpl.datasourceId } : {}) }, 'template');
              }}
            />
          </Field>
          <Button block icon={<ApartmentOutlined />} data-testid="wf-query-builder-open" disabled={readOnly} style={{ marginBottom: 10 }} onClick={() => setBuilding(true)}>
            {t('wf.query.builder')}
          </Button>
          <JsonField testId="wf-query-json" label={t('wf.query.dsl')} value={config.query} rows={8} disabled={readOnly} onChange={(v) => setConfig({ query: v }, 'query')} />
          {building && (
            <QueryBuilderDialog
              query={config.query}
              datasourceId={typeof config.datasourceId === 'string' && config.datasourceId ? config.datasourceId : null}
              onUse={(query, datasourceId) => setConfig({ query, ...(datasourceId ? { datasourceId } : {}) }, 'builder')}
              onClose={() => setBuilding(false)}
            />
          )}
        </>
      ) : (
        <>
          <Field label={t('wf.query.model')}>
            <Input
              data-testid="wf-model"
              aria-label={t('wf.query.model')}
              value={typeof config.model === 'string' ? config.model : ''}
              disabled={readOnly}
              onChange={(e) => setConfig({ model: e.target.value }, 'model')}
            />
          </Field>
          <Field label={t('wf.query.rsql')}>
            <Input
              data-testid="wf-rsql"
              aria-label={t('wf.query.rsql')}
              placeholder="status==PAID;id==${orderId}"
              value={typeof config.rsql === 'string' ? config.rsql : ''}
              disabled={readOnly}
              onChange={(e) => setConfig({ rsql: e.target.value || undefined }, 'rsql')}
            />
          </Field>
        </>
      )}
      <OutputField config={config} setConfig={setConfig} readOnly={readOnly} />
      <Field label={t('wf.query.single')}>
        <Switch
          data-testid="wf-single"
          aria-label={t('wf.query.single')}
          checked={config.single === true}
          disabled={readOnly}
          onChange={(v) => setConfig({ single: v || undefined }, 'single')}
        />
      </Field>
    </>
  );
}

export function ApiForm({ nodeId, config, setConfig, readOnly }: FormProps & { nodeId: string }) {
  const t = useT();
  return (
    <>
      <Field label={t('wf.api.method')}>
        <NativeSelect
          testId="wf-method"
          label={t('wf.api.method')}
          value={typeof config.method === 'string' ? config.method : 'GET'}
          options={HTTP_METHODS.map((m) => ({ value: m, label: m }))}
          disabled={readOnly}
          onChange={(method) => setConfig({ method }, 'method')}
        />
      </Field>
      <Field label={t('wf.api.url')}>
        <Input
          data-testid="wf-url"
          aria-label={t('wf.api.url')}
          placeholder="https://api.example.com/orders/${orderId}"
          value={typeof config.url === 'string' ? config.url : ''}
          disabled={readOnly}
          onChange={(e) => setConfig({ url: e.target.value }, 'url')}
        />
      </Field>
      <Field label={t('wf.api.headers')}>
        <KeyValueList
          key={nodeId}
          testId="wf-headers"
          value={(config.headers as Record<string, string>) ?? {}}
          onChange={(headers) => setConfig({ headers: Object.keys(headers).length ? headers : undefined }, 'headers')}
          keyLabel={t('wf.api.headerName')}
          valueLabel={t('wf.api.headerValue')}
          addLabel={t('wf.api.headerAdd')}
          disabled={readOnly}
        />
      </Field>
      <JsonField key={`body-${nodeId}`} testId="wf-body" label={t('wf.api.body')} value={config.body} disabled={readOnly} onChange={(v) => setConfig({ body: v }, 'body')} />
      <OutputField config={config} setConfig={setConfig} readOnly={readOnly} />
    </>
  );
}

export function RetryForm({ config, setConfig, readOnly }: FormProps) {
  const t = useT();
  const retry = (config.retry as RetryPolicy | undefined) ?? {};
  const setRetry = (patch: RetryPolicy) => {
    const next: RetryPolicy = { ...retry, ...patch };
    for (const k of Object.keys(next) as (keyof RetryPolicy)[]) if (next[k] == null) delete next[k];
    setConfig({ retry: Object.keys(next).length ? next : undefined }, 'retry');
  };
  const num = (key: keyof RetryPolicy, label: string, min: number, max?: number) => (
    <NumberField testId={`wf-retry-${key}`} label={label} min={min} max={max} value={retry[key]} disabled={readOnly} onChange={(v) => setRetry({ [key]: v })} />
  );
  return (
    <>
      <Divider plain style={{ margin: '8px 0' }}>
        {t('wf.retry.title')}
      </Divider>
      {num('maxAttempts', t('wf.retry.maxAttempts'), 1, 20)}
      <Space.Compact block>
        {num('initialDelayMs', t('wf.retry.initialDelayMs'), 0)}
        {num('maxDelayMs', t('wf.retry.maxDelayMs'), 0)}
      </Space.Compact>
      <NumberField testId="wf-timeout" label={t('wf.timeoutMs')} min={1} value={config.timeoutMs} disabled={readOnly} onChange={(timeoutMs) => setConfig({ timeoutMs }, 'timeoutMs')} />
    </>
  );
}

