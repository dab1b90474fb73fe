// /admin/users: the user list (search, paging), creating and editing users, disabling and enabling them.
import { PlusOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Input, Popconfirm, Space, Table, Tag, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useDisableUserMutation, useEnableUserMutation, useListUsersQuery } from '../../api/generated';
import { useAppSelector } from '../../app/hooks';
import { notify } from '../../app/notify';
import { EmptyState } from '../../common/EmptyState';
import { ErrorState } from '../../common/ErrorState';
import { PageHeader } from '../../common/PageHeader';
import { PermissionGate, usePermission } from '../../common/PermissionGate';
import { useLanguage, useT } from '../../i18n';
import { UserFormModal, type UserRow } from './UserFormModal';

export default function UsersPage() {
  const t = useT();
  const language = useLanguage();
  const me = useAppSelector((state) => state.user.currentUser);
  const canWrite = usePermission('users:write');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [keyword, setKeyword] = useState('');
  const [editing, setEditing] = useState<UserRow | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const list = useListUsersQuery({ page, pageSize, ...(keyword ? { keyword } : {}) });
  const [disableUser] = useDisableUserMutation();
  const [enableUser] = useEnableUserMutation();
  const [busy, setBusy] = useState<string | null>(null);

  const toggle = async (user: UserRow) => {
    setBusy(user.id);
    try {
      if (user.disabled) await enableUser({ id: user.id }).unwrap();
      else await disableUser({ id: user.id }).unwrap();
      notify({
        level: 'success',
        title: user.disabled ? t('admin.users.enabled', { name: user.username }) : t('admin.users.disabled', { name: user.username }),
      });
    } catch {
      // the API client has already shown what went wrong
    } finally {
      setBusy(null);
    }
  };

  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  const columns: TableColumnsType<UserRow> = [
    { title: t('admin.users.username'), dataIndex: 'username', render: (name: string) => <strong>{name}</strong> },
    { title: t('admin.users.email'), dataIndex: 'email', render: (email?: string | null) => email || '—' },
    {
      title: t('admin.users.roles'),
      dataIndex: 'roles',
      render: (roles: string[]) => (roles.length ? roles.map((r) => <Tag key={r}>{r}</Tag>) : '—'),
    },
    {
      title: t('admin.users.status'),
      dataIndex: 'disabled',
      render: (disabled: boolean) =>
        disabled ? <Badge status="default" text={t('admin.users.statusDisabled')} /> : <Badge status="success" text={t('admin.users.statusActive')} />,
    },
    { title: t('admin.users.createdAt'), dataIndex: 'createdAt', render: (at: string) => date.format(new Date(at)) },
    ...(canWrite
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 200,
            render: (_: unknown, user: UserRow) => (
              <Space size={4}>
                <Button
                  type="link"
                  size="small"
                  onClick={() => {
                    setEditing(user);
                    setFormOpen(true);
                  }}
                >
                  {t('common.edit')}
                </Button>
                {user.id !== me?.id && (
                  <Popconfirm
                    title={user.disabled ? t('admin.users.confirmEnable', { name: user.username }) : t('admin.users.confirmDisable', { name: user.username })}
                    okText={t('common.confirm')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => toggle(user)}
                  >
                    <Button type="link" size="small" danger={!user.disabled} loading={busy === user.id}>
                      {user.disabled ? t('admin.users.enable') : t('admin.users.disable')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];

  const data = list.data?.data;
  return (
    <>
      <PageHeader
        title={t('admin.users.title')}
        subtitle={t('admin.users.subtitle')}
        extra={
          <PermissionGate permissions="users:write">
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                setEditing(null);
                setFormOpen(true);
              }}
            >
              {t('admin.users.create')}
            </Button>
          </PermissionGate>
        }
      />
      <Card styles={{ body: { padding: 0 } }}>
        <div style={{ padding: 16 }}>
          <Input.Search
            allowClear
            placeholder={t('admin.users.searchPlaceholder')}
            style={{ maxWidth: 320 }}
            onSearch={(value) => {
              setKeyword(value.trim());
              setPage(1);
            }}
          />
        </div>
        {list.isError && !data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<UserRow>
            rowKey="id"
            columns={columns}
            dataSource={data?.items ?? []}
            loading={list.isFetching}
            locale={{ emptyText: <EmptyState /> }}
            pagination={{
              current: page,
              pageSize,
              total: data?.total ?? 0,
              showSizeChanger: true,
              showTotal: (total) => t('common.total', { total }),
              onChange: (nextPage, nextSize) => {
                setPage(nextSize !== pageSize ? 1 : nextPage);
                setPageSize(nextSize);
              },
            }}
          />
        )}
      </Card>
      <UserFormModal open={formOpen} user={editing} onClose={() => setFormOpen(false)} />
    </>
  );
}
