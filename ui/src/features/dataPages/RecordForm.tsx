// The record form in a drawer: create or update one record through `{model}Mutation`, inputs typed
// by GraphQL scalar, server validation errors (10050009) on their fields.
import { useEffect, useState } from 'react';
import { Alert, Button, Drawer, Form, Input, Radio, Space, Tag } from 'antd';
import { KeyOutlined } from '@ant-design/icons';
import { useT } from '../../i18n';
import { inputKindOf, toFormValue, toInput, type FormValues } from './formValues';
import { asFailure, useGatewayCreateMutation, useGatewayUpdateMutation, type GatewayRecord } from './gatewayApi';
import type { ModelField, ModelInfo } from './introspection';

export interface RecordFormProps {
  module: string;
  model: ModelInfo;
  /** The record to edit; `null` to create one. */
  record: GatewayRecord | null;
  open: boolean;
  onClose: () => void;
  onSaved: (record: GatewayRecord) => void;
}

export function RecordForm({ module, model, record, open, onClose, onSaved }: RecordFormProps) {
  const t = useT();
  const [form] = Form.useForm<FormValues>();
  const [create, creating] = useGatewayCreateMutation();
  const [update, updating] = useGatewayUpdateMutation();
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const mode = record ? 'update' : 'create';
  const pk = model.pk ?? [];
  const fieldNames = model.fields.map((f) => f.name);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setFormErrors([]);
    setNotice(null);
    const values: FormValues = {};
    for (const f of model.fields) values[f.name] = record ? toFormValue(f, record[f.name]) : inputKindOf(f.type) === 'text' ? '' : null;
    form.setFieldsValue(values);
  }, [open, record, model, form]);

  const submit = async () => {
    setFormErrors([]);
    setNotice(null);
    const values = form.getFieldsValue(true) as FormValues;
    const { data, errors } = toInput(model.fields, values, mode, record ?? {}, pk);
    const invalid = Object.entries(errors);
    form.setFields(model.fields.map((f) => ({ name: f.name, errors: [] })));
    if (invalid.length) {
      form.setFields(invalid.map(([name, reason]) => ({ name, errors: [t(`dataPages.form.invalid.${reason}`)] })));
      return;
    }
    if (mode === 'update' && Object.keys(data).every((k) => pk.includes(k))) {
      setNotice(t('dataPages.form.nothingChanged'));
      return;
    }
    const args = { module, model: model.model, typeName: model.typeName, fields: fieldNames, data };
    try {
      const saved = await (mode === 'create' ? create(args) : update(args)).unwrap();
      onSaved(saved);
    } catch (error) {
      const failure = asFailure(error);
      if (!failure) return;
      const onFields = Object.entries(failure.fieldErrors).filter(([name]) => fieldNames.includes(name));
      form.setFields(onFields.map(([name, message]) => ({ name, errors: [message] })));
      const elsewhere = Object.entries(failure.fieldErrors)
        .filter(([name]) => !fieldNames.includes(name))
        .map(([name, message]) => `${name}: ${message}`);
      if (failure.kind === 'validation') setFormErrors([...failure.formErrors, ...elsewhere]);
    }
  };

  const input = (field: ModelField) => {
    const kind = inputKindOf(field.type);
    const testId = `record-field-${field.name}`;
    const locked = mode === 'update' && pk.includes(field.name);
    switch (kind) {
      case 'boolean':
        return (
          <Radio.Group
            data-testid={testId}
            disabled={locked}
            options={[
              { value: true, label: t('dataPages.model.true') },
              { value: false, label: t('dataPages.model.false') },
              { value: null, label: t('dataPages.form.null') },
            ]}
          />
        );
      case 'json':
        return <Input.TextArea data-testid={testId} disabled={locked} autoSize={{ minRows: 3, maxRows: 12 }} style={{ fontFamily: 'monospace' }} />;
      case 'date':
        return <Input data-testid={testId} disabled={locked} placeholder={t('dataPages.form.datePlaceholder')} allowClear />;
      case 'integer':
      case 'integerString':
      case 'decimalString':
      case 'number':
        return <Input data-testid={testId} disabled={locked} inputMode={kind === 'number' || kind === 'decimalString' ? 'decimal' : 'numeric'} allowClear />;
      default:
        return <Input.TextArea data-testid={testId} disabled={locked} autoSize={{ minRows: 1, maxRows: 6 }} />;
    }
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={520}
      destroyOnHidden
      title={t(mode === 'create' ? 'dataPages.form.createTitle' : 'dataPages.form.editTitle', { model: model.typeName })}
      footer={
        <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
          <Button onClick={onClose}>{t('dataPages.form.cancel')}</Button>
          <Button type="primary" onClick={submit} loading={creating.isLoading || updating.isLoading} data-testid="record-save">
            {t('dataPages.form.save')}
          </Button>
        </Space>
      }
    >
      <Form<FormValues> form={form} layout="vertical" name={`record-${model.model}`} data-testid="record-form" onFinish={submit}>
        {model.fields.map((field) => (
          <Form.Item
            key={field.name}
            name={field.name}
            label={
              <Space size={4}>
                <span>{field.name}</span>
                <Tag bordered={false}>{field.type}</Tag>
                {pk.includes(field.name) && (
                  <Tag color="gold" icon={<KeyOutlined />} bordered={false}>
                    {t('dataPages.form.pk')}
                  </Tag>
                )}
              </Space>
            }
          >
            {input(field)}
          </Form.Item>
        ))}
        {formErrors.length > 0 && (
          <Alert
            type="error"
            showIcon
            data-testid="record-form-error"
            title={t('dataPages.form.serverErrors')}
            description={formErrors.map((e) => <div key={e}>{e}</div>)}
          />
        )}
        {notice && <Alert type="info" showIcon title={notice} />}
      </Form>
    </Drawer>
  );
}
