// Creating or editing an alert rule in a modal form. The server checks the rule (and suggests the
// closest metric name for a misspelt one); its 400 errors land on the fields they name.
import { Alert, AutoComplete, Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { useEffect, useState } from 'react';
import { errorMessage, isApiError } from '../../api/errors';
import { useCreateRuleMutation, useUpdateRuleMutation } from '../../api/generated';
import { silenceEndpoints } from '../../api/silence';
import { notify } from '../../app/notify';
import { applyFieldErrors } from '../../common/applyFieldErrors';
import { useT } from '../../i18n';
import { ALERT_METRICS, COMPARISONS, formToInput, NEW_RULE, ruleToForm, SEVERITIES, type Rule, type RuleFormValues } from './alertRules';
import { seriesLabel } from './seriesLabel';

silenceEndpoints(['createRule', 'updateRule']);

export function RuleFormModal({ open, rule, onClose }: { open: boolean; rule: Rule | null; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<RuleFormValues>();
  const [problem, setProblem] = useState<string | null>(null);
  const [createRule, creating] = useCreateRuleMutation();
  const [updateRule, updating] = useUpdateRuleMutation();
  const metric = Form.useWatch('metric', form) ?? '';

  useEffect(() => {
    if (!open) return;
    setProblem(null);
    form.resetFields();
    form.setFieldsValue(rule ? ruleToForm(rule) : NEW_RULE);
  }, [open, rule, form]);

  const submit = async (values: RuleFormValues) => {
    setProblem(null);
    const input = formToInput(values);
    try {
      if (rule) await updateRule({ id: rule.id, ruleInput: input }).unwrap();
      else await createRule({ ruleInput: input }).unwrap();
      notify({ level: 'success', title: t(rule ? 'mon.alerts.updated' : 'mon.alerts.created', { name: input.name ?? '' }) });
      onClose();
    } catch (error) {
      const rest = applyFieldErrors(form, error);
      if (rest.length > 0 || !isApiError(error) || error.errors.length === 0) setProblem(errorMessage(error));
    }
  };

  const needle = metric.trim().toLowerCase();
  const metricOptions = ALERT_METRICS.filter((m) => !needle || m.toLowerCase().includes(needle) || seriesLabel(t, m).toLowerCase().includes(needle)).map((m) => ({
    value: m,
    label: (
      <span>
        <code>{m}</code> <span style={{ opacity: 0.65 }}>{seriesLabel(t, m) === m ? '' : seriesLabel(t, m)}</span>
      </span>
    ),
  }));

  return (
    <Modal
      open={open}
      width={620}
      title={rule ? t('mon.alerts.editTitle', { name: rule.name }) : t('mon.alerts.createTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'alert-save' } as never}
      confirmLoading={creating.isLoading || updating.isLoading}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {rule && <Alert type="info" showIcon title={t('mon.alerts.editResets')} style={{ marginBottom: 16 }} />}
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 16 }} />}
      <Form<RuleFormValues> form={form} layout="vertical" name="alert-rule" data-testid="alert-rule-form" onFinish={(v) => void submit(v)} requiredMark="optional">
        <Form.Item name="name" label={t('mon.alerts.field.name')} rules={[{ required: true, whitespace: true, message: t('mon.alerts.nameRequired') }, { max: 100 }]}>
          <Input data-testid="alert-name" autoComplete="off" maxLength={100} />
        </Form.Item>
        <Form.Item name="metric" label={t('mon.alerts.field.metric')} extra={t('mon.alerts.metricHint')} rules={[{ required: true, whitespace: true, message: t('mon.alerts.metricRequired') }]}>
          <AutoComplete options={metricOptions} popupMatchSelectWidth>
            <Input data-testid="alert-metric" autoComplete="off" placeholder="api.error.rate" />
          </AutoComplete>
        </Form.Item>
        <Flex3>
          <Form.Item name="comparison" label={t('mon.alerts.field.comparison')} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Select data-testid="alert-comparison" aria-label={t('mon.alerts.field.comparison')} options={COMPARISONS.map((c) => ({ value: c, label: `${c}  ${t(`mon.op.${opKey(c)}`)}` }))} />
          </Form.Item>
          <Form.Item name="threshold" label={t('mon.alerts.field.threshold')} rules={[{ required: true, message: t('mon.alerts.thresholdRequired') }]} style={{ flex: 1 }}>
            <InputNumber data-testid="alert-threshold" style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="windowMinutes" label={t('mon.alerts.field.window')} rules={[{ required: true, message: t('mon.alerts.windowRequired') }]} style={{ flex: 1 }}>
            <InputNumber data-testid="alert-window" min={1} max={1440} precision={0} style={{ width: '100%' }} suffix={t('mon.alerts.minutes')} />
          </Form.Item>
        </Flex3>
        <Flex3>
          <Form.Item name="severity" label={t('mon.alerts.field.severity')} style={{ flex: 1 }}>
            <Select data-testid="alert-severity" aria-label={t('mon.alerts.field.severity')} options={SEVERITIES.map((s) => ({ value: s, label: t(`mon.severity.${s}`) }))} />
          </Form.Item>
          <Form.Item name="enabled" label={t('mon.alerts.field.enabled')} valuePropName="checked" style={{ flex: 1 }}>
            <Switch data-testid="alert-enabled" />
          </Form.Item>
        </Flex3>
        <Form.Item name="description" label={t('mon.alerts.field.description')} rules={[{ max: 1000 }]}>
          <Input.TextArea data-testid="alert-description" autoSize={{ minRows: 2, maxRows: 5 }} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Flex3({ children }: { children: React.ReactNode }) {
  return <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>{children}</div>;
}

export function opKey(op: string): string {
  return { '>': 'gt', '>=': 'ge', '<': 'lt', '<=': 'le', '==': 'eq', '!=': 'ne' }[op] ?? 'gt';
}
