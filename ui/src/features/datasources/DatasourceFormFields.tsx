// The datasource form's fields, per database type (seed 2.3.1): connection and options.
import { Card, Checkbox, Col, Form, Input, InputNumber, Row, Select, Switch } from 'antd';
import { useT } from '../../i18n';
import { DEFAULT_PORTS, isNetworked, type DatasourceFormValues } from './datasourceForm';
import { DATASOURCE_TYPES, type DatasourceType } from './types';

type FieldName = keyof DatasourceFormValues;

export interface DatasourceFormFieldsProps {
  mode: 'create' | 'update';
  /** On edit: whether the server holds a password (shown as "unchanged"). */
  hasStoredPassword: boolean;
}

/** `data-testid` of a form field's input. */
export const fieldTestId = (name: FieldName) => `datasource-field-${name}`;

export function DatasourceFormFields({ mode, hasStoredPassword }: DatasourceFormFieldsProps) {
  const t = useT();
  const form = Form.useFormInstance<DatasourceFormValues>();
  const type = (Form.useWatch('type', form) as DatasourceType | undefined) ?? 'mysql';
  const clearPassword = Form.useWatch('clearPassword', form) as boolean | undefined;
  const networked = isNetworked(type);
  const required = [{ required: true, whitespace: true, message: t('datasources.form.required') }];

  const onTypeChange = (next: DatasourceType) => {
    // Follow the type with the default port unless the user typed another one.
    const port = form.getFieldValue('port') as number | null;
    const previous = Object.values(DEFAULT_PORTS);
    if (port === null || previous.includes(port)) form.setFieldValue('port', DEFAULT_PORTS[next]);
  };

  let passwordPlaceholder: string | undefined;
  if (mode === 'update') {
    passwordPlaceholder = hasStoredPassword ? t('datasources.form.passwordUnchanged') : t('datasources.form.passwordNone');
  }

  return (
    <>
      <Card title={t('datasources.form.general')} style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item<DatasourceFormValues> name="name" label={t('datasources.form.name')} rules={required}>
              <Input data-testid={fieldTestId('name')} maxLength={100} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item<DatasourceFormValues>
              name="code"
              label={t('datasources.form.code')}
              extra={mode === 'update' ? t('datasources.form.codeFixed') : t('datasources.form.codeHelp')}
            >
              <Input data-testid={fieldTestId('code')} disabled={mode === 'update'} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item<DatasourceFormValues> name="type" label={t('datasources.form.type')} rules={[{ required: true }]}>
              <Select
                data-testid={fieldTestId('type')}
                aria-label={t('datasources.form.type')}
                onChange={onTypeChange}
                options={DATASOURCE_TYPES.map((value) => ({ value, label: t(`datasources.type.${value}`) }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item<DatasourceFormValues> name="isDefault" valuePropName="checked" label={t('datasources.form.isDefault')}>
              <Switch data-testid={fieldTestId('isDefault')} />
            </Form.Item>
          </Col>
        </Row>
      </Card>

      <Card title={t('datasources.form.connection')} style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          {networked && (
            <>
              <Col xs={24} md={16}>
                <Form.Item<DatasourceFormValues> name="host" label={t('datasources.form.host')} rules={required}>
                  <Input data-testid={fieldTestId('host')} autoComplete="off" />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item<DatasourceFormValues> name="port" label={t('datasources.form.port')} rules={[{ required: true, message: t('datasources.form.required') }]}>
                  <InputNumber data-testid={fieldTestId('port')} min={1} max={65535} precision={0} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            </>
          )}
          <Col xs={24} md={networked ? 12 : 24}>
            <Form.Item<DatasourceFormValues>
              name="database"
              label={networked ? t('datasources.form.database') : t('datasources.form.file')}
              extra={networked ? undefined : t('datasources.form.fileHelp')}
              rules={required}
            >
              <Input data-testid={fieldTestId('database')} autoComplete="off" />
            </Form.Item>
          </Col>
          {networked && (
            <>
              <Col xs={24} md={12}>
                <Form.Item<DatasourceFormValues> name="username" label={t('datasources.form.username')} rules={required}>
                  <Input data-testid={fieldTestId('username')} autoComplete="off" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item<DatasourceFormValues> name="password" label={t('datasources.form.password')}>
                  <Input.Password
                    data-testid={fieldTestId('password')}
                    placeholder={passwordPlaceholder}
                    disabled={!!clearPassword}
                    autoComplete="new-password"
                  />
                </Form.Item>
                {mode === 'update' && hasStoredPassword && (
                  <Form.Item<DatasourceFormValues> name="clearPassword" valuePropName="checked">
                    <Checkbox data-testid={fieldTestId('clearPassword')}>{t('datasources.form.clearPassword')}</Checkbox>
                  </Form.Item>
                )}
              </Col>
              <Col xs={24} md={12}>
                <Form.Item<DatasourceFormValues> name="timezone" label={t('datasources.form.timezone')}>
                  <Input data-testid={fieldTestId('timezone')} placeholder={t('datasources.form.timezonePlaceholder')} />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item<DatasourceFormValues> name="ssl" valuePropName="checked" label={t('datasources.form.ssl')}>
                  <Switch data-testid={fieldTestId('ssl')} />
                </Form.Item>
              </Col>
            </>
          )}
        </Row>
      </Card>

      <Card title={t('datasources.form.options')} style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item<DatasourceFormValues> name="poolSize" label={t('datasources.form.poolSize')} extra={t('datasources.form.poolSizeHelp')}>
              <InputNumber data-testid={fieldTestId('poolSize')} min={1} max={100} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item<DatasourceFormValues> name="timeout" label={t('datasources.form.timeout')} extra={t('datasources.form.timeoutHelp')}>
              <InputNumber data-testid={fieldTestId('timeout')} min={100} max={600000} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item<DatasourceFormValues> name="maxRetries" label={t('datasources.form.maxRetries')} extra={t('datasources.form.maxRetriesHelp')}>
              <InputNumber data-testid={fieldTestId('maxRetries')} min={0} max={10} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item<DatasourceFormValues> name="readOnly" valuePropName="checked">
              <Checkbox data-testid={fieldTestId('readOnly')}>{t('datasources.form.readOnlyFlag')}</Checkbox>
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item<DatasourceFormValues> name="verify" valuePropName="checked">
              <Checkbox data-testid={fieldTestId('verify')}>{t('datasources.form.verify')}</Checkbox>
            </Form.Item>
          </Col>
        </Row>
      </Card>
    </>
  );
}
