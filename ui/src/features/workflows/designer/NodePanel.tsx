// The side panel of the selected node: its name, the form of its type, its problems, and a
// "connect to…" control (an edge made without dragging).
import { Alert, Button, Divider, Input, InputNumber, Segmented, Select, Space, Switch, Typography } from 'antd';
import { ApartmentOutlined, DeleteOutlined, LinkOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useListDatasourcesQuery, useListTemplatesQuery } from '../../../api/generated';
import { useT, type Translate } from '../../../i18n';
import { completionNames } from '../model/completion';
import { allowedConditions, connect, HTTP_METHODS, removeElements, updateNode, updateNodeConfig, type EdgeCondition, type NodeConfig, type RetryPolicy, type WorkflowNode } from '../model/types';
import type { Problem } from '../model/validation';
import { ExpressionInput, Field, JsonField, KeyValueList, NativeSelect } from './fields';
import type { Designer } from './useDesigner';
import { QueryBuilderDialog } from './QueryBuilderDialog';

export function problemText(t: Translate, p: Problem): string {
  if (p.source === 'server') return p.path ? `${p.message} (${p.path})` : (p.message ?? p.code);
  return t(`wf.problem.${p.code}`, p.params);
}

export function ProblemList({ problems, testId }: { problems: Problem[]; testId: string }) {
  const t = useT();
  if (!problems.length) return null;
  return (
    <Alert
      type="error"
      showIcon
      data-testid={testId}
      style={{ marginBottom: 12 }}
      title={t('wf.problems.title', { n: problems.length })}
      description={
        <ul style={{ margin: 0, paddingLeft: 16 }}>
          {problems.map((p, i) => (
            <li key={i}>
              {problemText(t, p)} {p.source === 'server' && <Typography.Text type="secondary">{t('wf.problems.server')}</Typography.Text>}
            </li>
          ))}
        </ul>
      }
    />
  );
}

interface Props {
  designer: Designer;
  node: WorkflowNode;
  readOnly: boolean;
  problems: Problem[];
}

export function NodePanel({ designer, node, readOnly, problems }: Props) {
  const t = useT();
  const def = designer.definition;
  const setConfig = (patch: NodeConfig, field: string) => designer.change((d) => updateNodeConfig(d, node.id, patch), `config:${node.id}:${field}`);
  const names = completionNames(def, node.id);
  const c = node.config;

  return (
    <div data-testid="wf-panel" aria-label={t('wf.panel.node')}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t(`wf.type.${node.type}`)} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{node.id}</Typography.Text>
      </Typography.Title>
      <ProblemList problems={problems} testId="wf-node-problem-list" />
      <Field label={t('wf.node.name')}>
        <Input
          data-testid="wf-node-name"
          aria-label={t('wf.node.name')}
          value={node.name}
          disabled={readOnly}
          onChange={(e) => designer.change((d) => updateNode(d, node.id, { name: e.target.value }), `name:${node.id}`)}
        />
      </Field>
      {node.type === 'query' && <QueryForm config={c} setConfig={setConfig} readOnly={readOnly} />}
      {node.type === 'condition' && (
        <Field label={t('wf.condition.expression')}>
          <ExpressionInput
            testId="wf-expression"
            label={t('wf.condition.expression')}
            placeholder="${order.stock} > 0"
            value={typeof c.expression === 'string' ? c.expression : typeof c.condition === 'string' ? c.condition : ''}
            names={names}
            disabled={readOnly}
            onChange={(v) => setConfig({ expression: v, condition: undefined }, 'expression')}
          />
        </Field>
      )}
      {node.type === 'api' && <ApiForm nodeId={node.id} config={c} setConfig={setConfig} readOnly={readOnly} />}
      {node.type === 'transform' && (
        <>
          <Field label={t('wf.transform.assign')}>
            <KeyValueList
              key={node.id}
              testId="wf-assign"
              value={(c.assign as Record<string, string>) ?? {}}
              onChange={(assign) => setConfig({ assign }, 'assign')}
              keyLabel={t('wf.transform.name')}
              valueLabel={t('wf.transform.expression')}
              addLabel={t('wf.transform.add')}
              disabled={readOnly}
              renderValue={(v, set, i) => (
                <ExpressionInput testId={`wf-assign-value-${i}`} label={t('wf.transform.expression')} value={v} names={names} onChange={set} disabled={readOnly} />
              )}
            />
          </Field>
          <OutputField config={c} setConfig={setConfig} readOnly={readOnly} />
        </>
      )}
      {node.type === 'delay' && (
        <Field label={t('wf.delay.ms')}>
          <InputNumber
            data-testid="wf-delay-ms"
            aria-label={t('wf.delay.ms')}
            min={0}
            style={{ width: '100%' }}
            value={typeof c.ms === 'number' ? c.ms : null}
            disabled={readOnly}
            onChange={(v) => setConfig({ ms: v ?? undefined }, 'ms')}
          />
        </Field>
      )}
      {node.type === 'end' && (
        <JsonField key={node.id} testId="wf-end-output" label={t('wf.end.output')} value={c.output} disabled={readOnly} onChange={(v) => setConfig({ output: v }, 'output')} />
      )}
      {(node.type === 'query' || node.type === 'api') && <RetryForm config={c} setConfig={setConfig} readOnly={readOnly} />}
      {!readOnly && <ConnectForm designer={designer} node={node} />}
      {!readOnly && (
        <Button
          danger
          block
          icon={<DeleteOutlined />}
          data-testid="wf-node-delete"
          style={{ marginTop: 12 }}
          onClick={() => {
            designer.change((d) => removeElements(d, [node.id]));
            designer.select({ nodes: [] });
          }}
        >
          {t('wf.node.delete')}
        </Button>
      )}
    </div>
  );
}

type FormProps = { config: NodeConfig; setConfig: (patch: NodeConfig, field: string) => void; readOnly: boolean };

function OutputField({ config, setConfig, readOnly }: FormProps) {
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

function QueryForm({ config, setConfig, readOnly }: FormProps) {
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

function ApiForm({ nodeId, config, setConfig, readOnly }: FormProps & { nodeId: string }) {
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

function RetryForm({ config, setConfig, readOnly }: FormProps) {
  const t = useT();
  const retry = (config.retry as RetryPolicy | undefined) ?? {};
  const setRetry = (patch: RetryPolicy) => {
    const next: RetryPolicy = { ...retry, ...patch };
    for (const k of Object.keys(next) as (keyof RetryPolicy)[]) if (next[k] == null) delete next[k];
    setConfig({ retry: Object.keys(next).length ? next : undefined }, 'retry');
  };
  const num = (key: keyof RetryPolicy, label: string, min: number, max?: number) => (
    <Field label={label}>
      <InputNumber
        data-testid={`wf-retry-${key}`}
        aria-label={label}
        min={min}
        max={max}
        style={{ width: '100%' }}
        value={retry[key] ?? null}
        disabled={readOnly}
        onChange={(v) => setRetry({ [key]: v ?? undefined })}
      />
    </Field>
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
      <Field label={t('wf.timeoutMs')}>
        <InputNumber
          data-testid="wf-timeout"
          aria-label={t('wf.timeoutMs')}
          min={1}
          style={{ width: '100%' }}
          value={typeof config.timeoutMs === 'number' ? config.timeoutMs : null}
          disabled={readOnly}
          onChange={(v) => setConfig({ timeoutMs: v ?? undefined }, 'timeoutMs')}
        />
      </Field>
    </>
  );
}

function ConnectForm({ designer, node }: { designer: Designer; node: WorkflowNode }) {
  const t = useT();
  const others = designer.definition.nodes.filter((n) => n.id !== node.id);
  const conditions = allowedConditions(node.type);
  const [target, setTarget] = useState('');
  const [condition, setCondition] = useState('');
  if (!conditions.length) return <Typography.Paragraph type="secondary">{t('wf.connect.endNode')}</Typography.Paragraph>;
  const chosen = others.some((n) => n.id === target) ? target : '';
  return (
    <>
      <Divider plain style={{ margin: '8px 0' }}>
        {t('wf.connect.title')}
      </Divider>
      <Space.Compact block>
        <NativeSelect
          testId="wf-connect-target"
          label={t('wf.connect.target')}
          value={chosen}
          options={[{ value: '', label: t('wf.connect.pick') }, ...others.map((n) => ({ value: n.id, label: `${n.name || n.id} (${n.id})` }))]}
          onChange={setTarget}
        />
        <NativeSelect
          testId="wf-connect-condition"
          label={t('wf.connect.condition')}
          value={condition}
          options={conditions.map((c) => ({ value: c ?? '', label: c ?? t('wf.edge.always') }))}
          onChange={setCondition}
        />
      </Space.Compact>
      <Button
        block
        icon={<LinkOutlined />}
        style={{ marginTop: 6 }}
        data-testid="wf-connect-add"
        disabled={!chosen}
        onClick={() => {
          designer.change((d) => connect(d, node.id, chosen, (condition || null) as EdgeCondition | null));
          setTarget('');
        }}
      >
        {t('wf.connect.add')}
      </Button>
    </>
  );
}
