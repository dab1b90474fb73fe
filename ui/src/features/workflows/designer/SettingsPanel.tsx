// The workflow's settings (shown when nothing is selected): description, category, concurrency,
// the variables and the triggers.
import { Button, Card, Divider, Input, InputNumber, Popconfirm, Space, Switch, Typography } from 'antd';
import { DeleteOutlined, KeyOutlined, PlusOutlined } from '@ant-design/icons';
import { useRotateSecretMutation } from '../../../api/generated';
import { PermissionGate } from '../../../common/PermissionGate';
import { useT } from '../../../i18n';
import { VARIABLE_TYPES, type Trigger, type TriggerType, type Variable, type VariableType } from '../model/types';
import { problemsFor, type Problem } from '../model/validation';
import { CronPreview } from './CronPreview';
import { Field, JsonField, NativeSelect } from './fields';
import { ProblemList } from './NodePanel';
import type { Designer } from './useDesigner';

interface Props {
  designer: Designer;
  readOnly: boolean;
  problems: Problem[];
  workflowId?: string;
  onSecret: (secret: string) => void;
}

export function SettingsPanel({ designer, readOnly, problems, workflowId, onSecret }: Props) {
  const t = useT();
  const def = designer.definition;
  return (
    <div data-testid="wf-settings" aria-label={t('wf.panel.settings')}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t('wf.settings.title')}
      </Typography.Title>
      <ProblemList problems={problemsFor(problems, { kind: 'workflow' })} testId="wf-workflow-problem-list" />
      <Field label={t('wf.settings.description')}>
        <Input.TextArea
          data-testid="wf-description"
          aria-label={t('wf.settings.description')}
          rows={2}
          value={def.description ?? ''}
          disabled={readOnly}
          onChange={(e) => designer.change((d) => ({ ...d, description: e.target.value }), 'description')}
        />
      </Field>
      <Space.Compact block>
        <Field label={t('wf.settings.category')}>
          <Input
            data-testid="wf-category"
            aria-label={t('wf.settings.category')}
            value={def.category ?? ''}
            disabled={readOnly}
            onChange={(e) => designer.change((d) => ({ ...d, category: e.target.value }), 'category')}
          />
        </Field>
        <Field label={t('wf.settings.maxConcurrency')}>
          <InputNumber
            data-testid="wf-max-concurrency"
            aria-label={t('wf.settings.maxConcurrency')}
            min={1}
            max={1000}
            value={def.maxConcurrency ?? null}
            disabled={readOnly}
            onChange={(v) =>
              designer.change((d) => {
                const next = { ...d, maxConcurrency: v ?? undefined };
                if (v == null) delete next.maxConcurrency;
                return next;
              }, 'maxConcurrency')
            }
          />
        </Field>
      </Space.Compact>
      <Variables designer={designer} readOnly={readOnly} problems={problems} />
      <Triggers designer={designer} readOnly={readOnly} problems={problems} workflowId={workflowId} onSecret={onSecret} />
    </div>
  );
}

function Variables({ designer, readOnly, problems }: Omit<Props, 'onSecret'>) {
  const t = useT();
  const vars = designer.definition.variables;
  const update = (i: number, patch: Partial<Variable>, field: string) =>
    designer.change((d) => ({ ...d, variables: d.variables.map((v, j) => (j === i ? { ...v, ...patch } : v)) }), `var:${i}:${field}`);
  return (
    <section data-testid="wf-variables" aria-label={t('wf.variables.title')}>
      <Divider plain style={{ margin: '8px 0' }}>
        {t('wf.variables.title')}
      </Divider>
      {vars.length === 0 && <Typography.Paragraph type="secondary">{t('wf.variables.empty')}</Typography.Paragraph>}
      {vars.map((v, i) => (
        <Card key={i} size="small" style={{ marginBottom: 8 }}>
          <ProblemList problems={problemsFor(problems, { kind: 'variable', index: i })} testId={`wf-variable-problems-${i}`} />
          <Space.Compact block>
            <Input
              data-testid={`wf-variable-name-${i}`}
              aria-label={t('wf.variables.name')}
              placeholder={t('wf.variables.name')}
              value={v.name}
              disabled={readOnly}
              onChange={(e) => update(i, { name: e.target.value }, 'name')}
            />
            <NativeSelect
              testId={`wf-variable-type-${i}`}
              label={t('wf.variables.type')}
              value={v.type}
              disabled={readOnly}
              options={VARIABLE_TYPES.map((type) => ({ value: type, label: t(`wf.varType.${type}`) }))}
              onChange={(type: VariableType) => update(i, { type, defaultValue: null }, 'type')}
            />
          </Space.Compact>
          <Space style={{ marginTop: 6 }}>
            <Switch
              size="small"
              data-testid={`wf-variable-required-${i}`}
              aria-label={t('wf.variables.required')}
              checked={v.required}
              disabled={readOnly}
              onChange={(required) => update(i, { required }, 'required')}
            />
            <Typography.Text>{t('wf.variables.required')}</Typography.Text>
            {!readOnly && (
              <Button
                size="small"
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('wf.remove')}
                data-testid={`wf-variable-remove-${i}`}
                onClick={() => designer.change((d) => ({ ...d, variables: d.variables.filter((_, j) => j !== i) }))}
              />
            )}
          </Space>
          <JsonField
            key={`${i}-${v.type}`}
            testId={`wf-variable-default-${i}`}
            label={t('wf.variables.default')}
            rows={1}
            value={v.defaultValue === null ? undefined : v.defaultValue}
            disabled={readOnly}
            onChange={(defaultValue) => update(i, { defaultValue: defaultValue ?? null }, 'default')}
          />
        </Card>
      ))}
      {!readOnly && (
        <Button
          block
          icon={<PlusOutlined />}
          data-testid="wf-variable-add"
          onClick={() => designer.change((d) => ({ ...d, variables: [...d.variables, { name: '', type: 'string', required: false, defaultValue: null }] }))}
        >
          {t('wf.variables.add')}
        </Button>
      )}
    </section>
  );
}

function Triggers({ designer, readOnly, problems, workflowId, onSecret }: Props) {
  const t = useT();
  const triggers = designer.definition.triggers;
  const [rotate, rotation] = useRotateSecretMutation();
  const update = (i: number, patch: Partial<Trigger>, field: string) =>
    designer.change((d) => ({ ...d, triggers: d.triggers.map((tr, j) => (j === i ? { ...tr, ...patch } : tr)) }), `trigger:${i}:${field}`);
  const setConfig = (i: number, tr: Trigger, patch: Record<string, unknown>, field: string) => {
    const config: Record<string, unknown> = { ...(tr.config ?? {}), ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined || v === '') delete config[k];
    update(i, { config }, field);
  };
  const add = (type: TriggerType) =>
    designer.change((d) => ({
      ...d,
      triggers: [...d.triggers, type === 'schedule' ? { type, config: { cron: '0 2 * * *', timezone: 'UTC', catchUp: 'latest' } } : type === 'webhook' ? { type, config: {} } : { type }],
    }));

  return (
    <section data-testid="wf-triggers" aria-label={t('wf.triggers.title')}>
      <Divider plain style={{ margin: '12px 0 8px' }}>
        {t('wf.triggers.title')}
      </Divider>
      {triggers.length === 0 && <Typography.Paragraph type="secondary">{t('wf.triggers.empty')}</Typography.Paragraph>}
      {triggers.map((tr, i) => {
        const cfg = tr.config ?? {};
        const path = typeof cfg.path === 'string' ? cfg.path : '';
        const hook = `${window.location.origin}/api/v1/hooks/${path || workflowId || '{workflowId}'}`;
        return (
          <Card
            key={i}
            size="small"
            data-testid={`wf-trigger-${i}`}
            style={{ marginBottom: 8 }}
            title={t(`wf.triggers.${tr.type}`)}
            extra={
              <Space>
                <Switch
                  size="small"
                  aria-label={t('wf.triggers.enabled')}
                  data-testid={`wf-trigger-enabled-${i}`}
                  checked={tr.enabled !== false}
                  disabled={readOnly}
                  onChange={(enabled) => update(i, { enabled }, 'enabled')}
                />
                {!readOnly && (
                  <Button
                    size="small"
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t('wf.remove')}
                    onClick={() => designer.change((d) => ({ ...d, triggers: d.triggers.filter((_, j) => j !== i) }))}
                  />
                )}
              </Space>
            }
          >
            <ProblemList problems={problemsFor(problems, { kind: 'trigger', index: i })} testId={`wf-trigger-problems-${i}`} />
            <Field label={t('wf.triggers.id')}>
              <Input
                data-testid={`wf-trigger-id-${i}`}
                aria-label={t('wf.triggers.id')}
                placeholder={`trigger_${i + 1}`}
                value={tr.id ?? ''}
                disabled={readOnly}
                onChange={(e) => {
                  const { id: _old, ...rest } = tr;
                  const next: Trigger = e.target.value ? { ...rest, id: e.target.value } : rest;
                  designer.change((d) => ({ ...d, triggers: d.triggers.map((x, j) => (j === i ? next : x)) }), `trigger:${i}:id`);
                }}
              />
            </Field>
            {tr.type === 'webhook' && (
              <>
                <Field label={t('wf.triggers.path')}>
                  <Input
                    data-testid={`wf-trigger-path-${i}`}
                    aria-label={t('wf.triggers.path')}
                    value={path}
                    disabled={readOnly}
                    onChange={(e) => setConfig(i, tr, { path: e.target.value }, 'path')}
                  />
                </Field>
                <Typography.Paragraph copyable={{ text: hook }} data-testid={`wf-trigger-url-${i}`} style={{ wordBreak: 'break-all' }}>
                  <Typography.Text code>POST {hook}</Typography.Text>
                </Typography.Paragraph>
                <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                  {t('wf.triggers.secretNote')}
                </Typography.Paragraph>
                {workflowId && !readOnly && (
                  <PermissionGate permissions="workflow:write">
                    <Popconfirm
                      title={t('wf.secret.rotateConfirm')}
                      onConfirm={async () => {
                        const answer = await rotate({ id: workflowId }).unwrap();
                        if (answer.data?.signingSecret) onSecret(answer.data.signingSecret);
                      }}
                    >
                      <Button size="small" icon={<KeyOutlined />} loading={rotation.isLoading} data-testid="wf-rotate-secret">
                        {t('wf.secret.rotate')}
                      </Button>
                    </Popconfirm>
                  </PermissionGate>
                )}
              </>
            )}
            {tr.type === 'schedule' && (
              <>
                <Field label={t('wf.triggers.cron')}>
                  <Input
                    data-testid={`wf-trigger-cron-${i}`}
                    aria-label={t('wf.triggers.cron')}
                    placeholder="0 9 * * MON-FRI"
                    value={typeof cfg.cron === 'string' ? cfg.cron : ''}
                    disabled={readOnly}
                    onChange={(e) => setConfig(i, tr, { cron: e.target.value }, 'cron')}
                  />
                </Field>
                <Space.Compact block>
                  <Field label={t('wf.triggers.timezone')}>
                    <Input
                      data-testid={`wf-trigger-timezone-${i}`}
                      aria-label={t('wf.triggers.timezone')}
                      placeholder="UTC"
                      value={typeof cfg.timezone === 'string' ? cfg.timezone : ''}
                      disabled={readOnly}
                      onChange={(e) => setConfig(i, tr, { timezone: e.target.value }, 'timezone')}
                    />
                  </Field>
                  <Field label={t('wf.triggers.catchUp')}>
                    <NativeSelect
                      testId={`wf-trigger-catchup-${i}`}
                      label={t('wf.triggers.catchUp')}
                      value={cfg.catchUp === 'none' ? 'none' : 'latest'}
                      disabled={readOnly}
                      options={[
                        { value: 'latest', label: t('wf.triggers.catchUpLatest') },
                        { value: 'none', label: t('wf.triggers.catchUpNone') },
                      ]}
                      onChange={(catchUp) => setConfig(i, tr, { catchUp }, 'catchUp')}
                    />
                  </Field>
                </Space.Compact>
                <CronPreview cron={typeof cfg.cron === 'string' ? cfg.cron : ''} timezone={typeof cfg.timezone === 'string' ? cfg.timezone : ''} />
              </>
            )}
            {tr.type === 'manual' && <Typography.Text type="secondary">{t('wf.triggers.manualNote')}</Typography.Text>}
          </Card>
        );
      })}
      {!readOnly && (
        <Space wrap>
          {(['webhook', 'schedule', 'manual'] as const).map((type) => (
            <Button key={type} size="small" icon={<PlusOutlined />} data-testid={`wf-trigger-add-${type}`} onClick={() => add(type)}>
              {t(`wf.triggers.${type}`)}
            </Button>
          ))}
        </Space>
      )}
    </section>
  );
}
