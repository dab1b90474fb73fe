// The run form: one typed input per variable, then `execute` with `async: true`.
import { Alert, Input, InputNumber, Modal, Switch, Typography, type ButtonProps } from 'antd';
import { useState } from 'react';
import { useExecuteWorkflowMutation } from '../../../api/generated';
import { errorMessage, isApiError } from '../../../api/errors';
import { useT } from '../../../i18n';
import { buildRunInput, type RunFieldValue } from '../model/runInput';
import type { Variable } from '../model/types';
import { Field } from './fields';

interface ExecuteAnswer {
  executionId: string;
  status: string;
  monitorUrl?: string;
}

export function RunModal(props: { workflowId: string; variables: Variable[]; unsaved?: boolean; open: boolean; onClose: () => void; onStarted: (executionId: string) => void }) {
  const t = useT();
  const [values, setValues] = useState<Record<string, RunFieldValue>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [execute, run] = useExecuteWorkflowMutation();
  const set = (name: string, v: RunFieldValue) => setValues((s) => ({ ...s, [name]: v }));

  const submit = async () => {
    const built = buildRunInput(props.variables, values);
    setErrors(built.errors);
    if (Object.keys(built.errors).length) return;
    setServerError(null);
    try {
      const answer = await execute({ id: props.workflowId, runBody: { input: built.input, options: { async: true } } }).unwrap();
      const data = (answer as { data?: ExecuteAnswer }).data;
      if (data?.executionId) props.onStarted(data.executionId);
      props.onClose();
    } catch (error) {
      if (isApiError(error) && error.errors.length) {
        const byName: Record<string, string> = {};
        for (const e of error.errors) byName[e.path.replace(/^input\./, '')] = e.message;
        setErrors(byName);
      }
      setServerError(errorMessage(error));
    }
  };

  return (
    <Modal
      open={props.open}
      title={t('wf.run.title')}
      okText={t('wf.run.submit')}
      okButtonProps={{ 'data-testid': 'wf-run-submit', loading: run.isLoading } as ButtonProps}
      onOk={submit}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <div data-testid="wf-run-modal">
        {props.unsaved && <Alert type="warning" showIcon title={t('wf.run.unsaved')} style={{ marginBottom: 12 }} />}
        {props.variables.length === 0 && <Typography.Paragraph type="secondary">{t('wf.run.noVariables')}</Typography.Paragraph>}
        {serverError && <Alert type="error" showIcon title={serverError} style={{ marginBottom: 12 }} />}
        {props.variables.map((v) => {
          const label = `${v.name}${v.required ? ' *' : ''} (${t(`wf.varType.${v.type}`)})`;
          const err = errors[v.name];
          const msg = err ? (err.startsWith('wf.') ? t(err) : err) : undefined;
          const value = values[v.name];
          return (
            <Field key={v.name} label={label} error={msg}>
              {v.type === 'boolean' ? (
                <Switch data-testid={`wf-input-${v.name}`} aria-label={v.name} checked={value === true || (value === undefined && v.defaultValue === true)} onChange={(c) => set(v.name, c)} />
              ) : v.type === 'number' || v.type === 'integer' ? (
                <InputNumber
                  data-testid={`wf-input-${v.name}`}
                  aria-label={v.name}
                  aria-required={v.required}
                  style={{ width: '100%' }}
                  placeholder={v.defaultValue != null ? String(v.defaultValue) : undefined}
                  value={typeof value === 'number' ? value : null}
                  onChange={(n) => set(v.name, n)}
                />
              ) : v.type === 'object' || v.type === 'array' ? (
                <Input.TextArea
                  data-testid={`wf-input-${v.name}`}
                  aria-label={v.name}
                  aria-required={v.required}
                  rows={3}
                  style={{ fontFamily: 'monospace' }}
                  placeholder={v.defaultValue != null ? JSON.stringify(v.defaultValue) : v.type === 'array' ? '[]' : '{}'}
                  value={typeof value === 'string' ? value : ''}
                  onChange={(e) => set(v.name, e.target.value)}
                />
              ) : (
                <Input
                  data-testid={`wf-input-${v.name}`}
                  aria-label={v.name}
                  aria-required={v.required}
                  placeholder={v.defaultValue != null ? String(v.defaultValue) : undefined}
                  value={typeof value === 'string' ? value : ''}
                  onChange={(e) => set(v.name, e.target.value)}
                />
              )}
            </Field>
          );
        })}
      </div>
    </Modal>
  );
}
