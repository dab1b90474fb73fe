// Runs a template: a form with one field per declared variable, results in the builder's grid.
import { Alert, Form, Input, Modal, Typography } from 'antd';
import { useEffect } from 'react';
import { errorMessage, isApiError } from '../../api/errors';
import { useExecuteTemplateMutation } from '../../api/generated';
import { useT } from '../../i18n';
import { ResultGrid } from '../queryBuilder/components/ResultGrid';
import { readResult } from '../queryBuilder/model/results';
import { parseVariableInput } from '../queryBuilder/model/variables';
import type { TemplateView } from './SaveTemplateModal';

export function TemplateRunModal({ template, onClose }: { template: TemplateView | null; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<Record<string, string>>();
  const [execute, run] = useExecuteTemplateMutation();
  useEffect(() => {
    form.resetFields();
    run.reset();
    // A new template: a clean form and no old result.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [template?.id]);
  if (!template) return null;
  const onFinish = (values: Record<string, string>) => {
    const variables = Object.fromEntries(template.variables.map((v) => [v, parseVariableInput(values[v] ?? '')]));
    void execute({ id: template.id, templateRun: { variables, options: { shape: 'rows' } } });
  };
  const result = run.data ? readResult(run.data) : null;
  return (
    <Modal
      open
      width={1000}
      title={t('tpl.run.title', { name: template.name })}
      okText={t('tpl.run.run')}
      okButtonProps={{ loading: run.isLoading, 'data-testid': 'template-run-submit' }}
      cancelText={t('tpl.run.close')}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="inline" onFinish={onFinish} data-testid="template-variables-form" style={{ rowGap: 8, marginBottom: 12 }}>
        {template.variables.length === 0 && <Typography.Text type="secondary">{t('tpl.run.noVariables')}</Typography.Text>}
        {template.variables.map((v) => (
          <Form.Item key={v} name={v} label={v} rules={[{ required: true, message: t('tpl.run.required', { name: v }) }]}>
            <Input data-testid={`template-var-${v}`} placeholder={t('tpl.run.valueHint')} />
          </Form.Item>
        ))}
      </Form>
      {run.error && (
        <Alert
          type="error"
          showIcon
          title={t('tpl.run.failed')}
          description={
            <>
              <div>{errorMessage(run.error)}</div>
              {isApiError(run.error) &&
                run.error.errors.map((e, i) => (
                  <div key={i}>
                    <Typography.Text code>{e.path}</Typography.Text> {e.message}
                  </div>
                ))}
            </>
          }
          style={{ marginBottom: 12 }}
        />
      )}
      {result && <ResultGrid result={result} height={360} />}
    </Modal>
  );
}

export default TemplateRunModal;
