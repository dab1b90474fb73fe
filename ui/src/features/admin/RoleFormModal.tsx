// Creating or editing a role: name, description, permissions. Built-in roles keep their name and
// permissions (the server refuses changes), so only the description can be edited.
import { Alert, Form, Input, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { errorMessage, isApiError } from '../../api/errors';
import { useCreateRoleMutation, useUpdateRoleMutation, type ListRolesApiResponse } from '../../api/generated';
import { silenceEndpoints } from '../../api/silence';
import { applyFieldErrors } from '../../common/applyFieldErrors';
import { useT } from '../../i18n';
import { PermissionPicker } from './PermissionPicker';

silenceEndpoints(['createRole', 'updateRole']);

export type RoleRow = NonNullable<ListRolesApiResponse['data']>[number];

interface Values {
  name: string;
  description?: string;
  permissions: string[];
}

export function RoleFormModal({ open, role, onClose }: { open: boolean; role: RoleRow | null; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const [problem, setProblem] = useState<string | null>(null);
  const [createRole, creating] = useCreateRoleMutation();
  const [updateRole, updating] = useUpdateRoleMutation();
  const builtin = role?.builtin ?? false;

  useEffect(() => {
    if (!open) return;
    setProblem(null);
    form.resetFields();
    form.setFieldsValue({ name: role?.name ?? '', description: role?.description ?? '', permissions: role?.permissions ?? [] });
  }, [open, role, form]);

  const submit = async (values: Values) => {
    setProblem(null);
    const description = values.description?.trim() ? values.description.trim() : null;
    try {
      if (role) {
        await updateRole({
          id: role.id,
          roleBody: builtin ? { description } : { name: values.name.trim(), description, permissions: values.permissions },
        }).unwrap();
      } else {
        await createRole({ roleBody: { name: values.name.trim(), description, permissions: values.permissions } }).unwrap();
      }
      onClose();
    } catch (error) {
      const rest = applyFieldErrors(form, error);
      if (rest.length > 0 || !isApiError(error) || error.errors.length === 0) setProblem(errorMessage(error));
    }
  };

  return (
    <Modal
      open={open}
      width={760}
      title={role ? t('admin.roles.editTitle', { name: role.name }) : t('admin.roles.createTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={creating.isLoading || updating.isLoading}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {builtin && <Alert type="info" showIcon title={t('admin.roles.builtinHint')} style={{ marginBottom: 16 }} />}
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 16 }} />}
      <Form<Values> form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark="optional">
        <Form.Item name="name" label={t('admin.roles.name')} rules={[{ required: true, whitespace: true, message: t('admin.roles.nameRequired') }]}>
          <Input disabled={builtin} autoComplete="off" />
        </Form.Item>
        <Form.Item name="description" label={t('admin.roles.description')}>
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
        </Form.Item>
        <Form.Item name="permissions" label={t('admin.roles.permissions')}>
          <PermissionPicker disabled={builtin} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
