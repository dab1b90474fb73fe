// The side panel of the selected node: its name, the form of its type, its problems, and a
// "connect to…" control (an edge made without dragging).
import { Alert, Button, Divider, Input, Space, Typography } from 'antd';
import { DeleteOutlined, LinkOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useT, type Translate } from '../../../i18n';
import { completionNames } from '../model/completion';
import { allowedConditions, connect, removeElements, updateNode, updateNodeConfig, type EdgeCondition, type NodeConfig, type WorkflowNode } from '../model/types';
import type { Problem } from '../model/validation';
import { ExpressionInput, Field, JsonField, KeyValueList, NativeSelect, NumberField } from './fields';
import type { Designer } from './useDesigner';
import { ApiForm, OutputField, QueryForm, RetryForm } from './nodeForms';

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
        <NumberField testId="wf-delay-ms" label={t('wf.delay.ms')} min={0} value={c.ms} disabled={readOnly} onChange={(ms) => setConfig({ ms }, 'ms')} />
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
