// Creating a user (username, password, email, roles) or editing one (email, a new password, roles).
// The server's field errors land on the fields; other errors in the modal's alert.
import { Alert, Form, Input, Modal, Select } from 'antd';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { useCreateUserMutation, useListRolesQuery, useUpdateUserMutation, type ListUsersApiResponse } from '../../api/generated';
import { applyFieldErrors } from '../../common/applyFieldErrors';
import { usePermission } from '../../common/PermissionGate';
import { silenceEndpoints } from '../../api/silence';
import { useT } from '../../i18n';

silenceEndpoints(['createUser', 'updateUser']);

export type UserRow = NonNullable<ListUsersApiResponse['data']>['items'][number];

interface Values {
  username: string;
  password?: string;
  email?: string;
  roles: string[];
}

export interface UserFormModalProps {
  open: boolean;
  /** The user being edited; none to create one. */
  user: UserRow | null;
  onClose: () => void;
}

export function UserFormModal({ open, user, onClose }: UserFormModalProps) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const [problem, setProblem] = useState<string | null>(null);
  const canReadRoles = usePermission('roles:read');
  const roles = useListRolesQuery(undefined, { skip: !open || !canReadRoles });
  const [createUser, creating] = useCreateUserMutation();
  const [updateUser, updating] = useUpdateUserMutation();

  useEffect(() => {
    if (!open) return;
    setProblem(null);
    form.resetFields();
    form.setFieldsValue({ username: user?.username ?? '', email: user?.email ?? '', roles: user?.roles ?? [], password: '' });
  }, [open, user, form]);

  const submit = async (values: Values) => {
    setProblem(null);
    const email = values.email?.trim() ? values.email.trim() : null;
    try {
      if (user) {
        await updateUser({
          id: user.id,
          updateUser: { email, roles: values.roles, ...(values.password ? { password: values.password } : {}) },
        }).unwrap();
      } else {
        await createUser({
          createUser: { username: values.username.trim(), password: values.password ?? '', email, roles: values.roles },
        }).unwrap();
      }
      onClose();
    } catch (error) {
      const rest = applyFieldErrors(form, error);
      if (rest.length > 0 || !(error as { errors?: unknown[] }).errors?.length) setProblem(errorMessage(error));
    }
  };

  const roleOptions = (roles.data?.data ?? []).map((r) => ({ value: r.name, label: r.name }));

  return (
    <Modal
      open={open}
      title={user ? t('admin.users.editTitle', { name: user.username }) : t('admin.users.createTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={creating.isLoading || updating.isLoading}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 16 }} />}
      <Form<Values> form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark="optional">
        <Form.Item
          name="username"
          label={t('admin.users.username')}
          extra={user ? undefined : t('admin.users.usernameHint')}
          rules={[{ required: true, whitespace: true, message: t('admin.users.usernameRequired') }]}
        >
          <Input disabled={!!user} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="password"
          label={user ? t('admin.users.newPassword') : t('admin.users.password')}
          extra={user ? t('admin.users.newPasswordHint') : t('admin.users.passwordHint')}
          rules={[
            { required: !user, message: t('admin.users.passwordRequired') },
            { min: 8, message: t('admin.users.passwordHint') },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="email" label={t('admin.users.email')} rules={[{ type: 'email', message: t('admin.users.emailInvalid') }]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="roles" label={t('admin.users.roles')}>
          <Select
            mode={canReadRoles ? 'multiple' : 'tags'}
            options={roleOptions}
            loading={roles.isFetching}
            placeholder={t('admin.users.rolesPlaceholder')}
            allowClear
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
