// Saves a query as a template (name, description, category, tags, public or private), or edits a
// template's details. Its variables are the query's `${name}` placeholders, shown as declared.
import { Alert, Form, Input, Modal, Select, Switch, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { applyFieldErrors } from '../../common/applyFieldErrors';
import { errorMessage, isApiError } from '../../api/errors';
import { silenceEndpoints } from '../../api/silence';
import { useCreateTemplateMutation, useUpdateTemplateMutation, type GetTemplateApiResponse } from '../../api/generated';
import { notify } from '../../app/notify';
import { useT } from '../../i18n';
import { placeholders } from '../queryBuilder/model/variables';

// The form shows these endpoints' errors on its fields.
silenceEndpoints(['createTemplate', 'updateTemplate']);

export type TemplateView = NonNullable<GetTemplateApiResponse['data']>;

interface Values {
  name: string;
  description?: string;
  category?: string;
  tags: string[];
  isPublic: boolean;
}

export interface SaveTemplateModalProps {
  open: boolean;
  onClose: () => void;
  /** The query to save (creating); when editing, the template's own query is kept. */
  query?: object;
  datasourceId?: string | null;
  /** Edit this template instead of creating one. */
  template?: TemplateView;
  onSaved?: (template: TemplateView) => void;
}

export function SaveTemplateModal({ open, onClose, query, datasourceId, template, onSaved }: SaveTemplateModalProps) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const [create, creating] = useCreateTemplateMutation();
  const [update, updating] = useUpdateTemplateMutation();
  const [problem, setProblem] = useState<string | null>(null);
  const variables = useMemo(() => (template ? template.variables : placeholders(query ?? {})), [template, query]);

  useEffect(() => {
    if (!open) return;
    setProblem(null);
    form.resetFields();
    form.setFieldsValue(
      template
        ? {
            name: template.name,
            description: template.description ?? '',
            category: template.category ?? '',
            tags: template.tags,
            isPublic: template.isPublic,
          }
        : { name: '', description: '', category: '', tags: [], isPublic: false },
    );
  }, [open, template, form]);

  const submit = async (values: Values) => {
    setProblem(null);
    const body = {
      name: values.name.trim(),
      description: values.description?.trim() || null,
      category: values.category?.trim() || '',
      tags: values.tags.map((x) => x.trim()).filter(Boolean),
      isPublic: values.isPublic,
    };
    try {
      const answer = template
        ? await update({ id: template.id, templateBody: body }).unwrap()
        : await create({ templateBody: { ...body, query: query ?? {}, datasourceId: datasourceId ?? null } }).unwrap();
      notify({ level: 'success', title: template ? t('tpl.save.updated') : t('tpl.save.created'), description: body.name });
      if (answer.data) onSaved?.(answer.data);
      onClose();
    } catch (e) {
      const rest = applyFieldErrors(form, e);
      const placed = isApiError(e) ? e.errors.length - rest.length : 0;
      if (rest.length) setProblem(rest.map((r) => `${r.path}: ${r.message}`).join('\n'));
      else if (placed === 0) setProblem(errorMessage(e));
    }
  };

  return (
    <Modal
      open={open}
      title={template ? t('tpl.save.editTitle') : t('tpl.save.title')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={creating.isLoading || updating.isLoading}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'template-save-submit' }}
      destroyOnHidden
      forceRender
    >
      <Form<Values> form={form} layout="vertical" onFinish={(v) => void submit(v)} data-testid="template-form">
        <Form.Item
          name="name"
          label={t('tpl.field.name')}
          rules={[
            { required: true, whitespace: true, message: t('tpl.field.nameRequired') },
            { max: 200, message: t('tpl.field.nameTooLong') },
          ]}
        >
          <Input data-testid="template-name" maxLength={200} />
        </Form.Item>
        <Form.Item name="description" label={t('tpl.field.description')}>
          <Input.TextArea data-testid="template-description" rows={2} />
        </Form.Item>
        <Form.Item name="category" label={t('tpl.field.category')}>
          <Input data-testid="template-category" />
        </Form.Item>
        <Form.Item
          name="tags"
          label={t('tpl.field.tags')}
          rules={[
            {
              validator: (_, tags: string[] | undefined) =>
                (tags ?? []).every((x) => x.trim().length > 0 && x.length <= 50) ? Promise.resolve() : Promise.reject(new Error(t('tpl.field.tagInvalid'))),
            },
          ]}
        >
          <Select data-testid="template-tags" mode="tags" tokenSeparators={[',']} open={false} suffixIcon={null} placeholder={t('tpl.field.tagsHint')} />
        </Form.Item>
        <Form.Item name="isPublic" label={t('tpl.field.visibility')} valuePropName="checked">
          <Switch data-testid="template-public" checkedChildren={t('tpl.public')} unCheckedChildren={t('tpl.private')} />
        </Form.Item>
        <div data-testid="template-variables">
          <Typography.Text type="secondary">{t('tpl.field.variables')}</Typography.Text>{' '}
          {variables.length ? (
            variables.map((v) => (
              <Tag key={v} color="purple">{`\${${v}}`}</Tag>
            ))
          ) : (
            <Typography.Text type="secondary">{t('tpl.field.noVariables')}</Typography.Text>
          )}
        </div>
      </Form>
      {problem && <Alert type="error" showIcon style={{ marginTop: 12, whiteSpace: 'pre-line' }} title={problem} />}
    </Modal>
  );
}

export default SaveTemplateModal;
