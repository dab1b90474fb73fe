// /admin/roles: every role with its permissions; create, edit and delete (built-in roles cannot be
// deleted; a role still assigned to users is refused by the server, which says so).
import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Popconfirm, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useDeleteRoleMutation, useListRolesQuery } from '../../api/generated';
import { notify } from '../../app/notify';
import { EmptyState } from '../../common/EmptyState';
import { ErrorState } from '../../common/ErrorState';
import { PageHeader } from '../../common/PageHeader';
import { PermissionGate, usePermission } from '../../common/PermissionGate';
import { useT } from '../../i18n';
import { RoleFormModal, type RoleRow } from './RoleFormModal';

export default function RolesPage() {
  const t = useT();
  const canWrite = usePermission('roles:write');
  const list = useListRolesQuery();
  const [deleteRole] = useDeleteRoleMutation();
  const [editing, setEditing] = useState<RoleRow | null>(null);
  const [formOpen, setFormOpen] = useState(false);

  const remove = async (role: RoleRow) => {
    try {
      await deleteRole({ id: role.id }).unwrap();
      notify({ level: 'success', title: t('admin.roles.deleted', { name: role.name }) });
    } catch {
      // the API client has already shown why (e.g. still assigned)
    }
  };

  const columns: TableColumnsType<RoleRow> = [
    {
      title: t('admin.roles.name'),
      dataIndex: 'name',
      render: (name: string, role) => (
        <Space>
          <strong>{name}</strong>
          {role.builtin && <Tag color="gold">{t('admin.roles.builtin')}</Tag>}
        </Space>
      ),
    },
    { title: t('admin.roles.description'), dataIndex: 'description', render: (d?: string | null) => d || '—' },
    {
      title: t('admin.roles.permissions'),
      dataIndex: 'permissions',
      render: (permissions: string[]) =>
        permissions.length ? (
          <Space size={[4, 4]} wrap>
            {permissions.map((p) => (
              <Tag key={p} color={p === '*' ? 'red' : p.endsWith(':*') ? 'purple' : undefined}>
                <Typography.Text code style={{ fontSize: 12 }}>
                  {p}
                </Typography.Text>
              </Tag>
            ))}
          </Space>
        ) : (
          '—'
        ),
    },
    ...(canWrite
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 160,
            render: (_: unknown, role: RoleRow) => (
              <Space size={4}>
                <Button
                  type="link"
                  size="small"
                  onClick={() => {
                    setEditing(role);
                    setFormOpen(true);
                  }}
                >
                  {t('common.edit')}
                </Button>
                {!role.builtin && (
                  <Popconfirm
                    title={t('common.confirmDelete', { name: role.name })}
                    okText={t('common.delete')}
                    okButtonProps={{ danger: true }}
                    cancelText={t('common.cancel')}
                    onConfirm={() => remove(role)}
                  >
                    <Button type="link" size="small" danger>
                      {t('common.delete')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title={t('admin.roles.title')}
        subtitle={t('admin.roles.subtitle')}
        extra={
          <PermissionGate permissions="roles:write">
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                setEditing(null);
                setFormOpen(true);
              }}
            >
              {t('admin.roles.create')}
            </Button>
          </PermissionGate>
        }
      />
      <Card styles={{ body: { padding: 0 } }}>
        {list.isError && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<RoleRow>
            rowKey="id"
            columns={columns}
            dataSource={list.data?.data ?? []}
            loading={list.isFetching}
            pagination={false}
            locale={{ emptyText: <EmptyState /> }}
          />
        )}
      </Card>
      <RoleFormModal open={formOpen} role={editing} onClose={() => setFormOpen(false)} />
    </>
  );
}
