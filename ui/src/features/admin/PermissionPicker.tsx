// Picks a role's permission strings from GET /api/v1/permissions: everything (`*`), a whole
// resource (`resource:*`), single actions, and scoped grants typed by hand
// (`datasource:read:ds_main`), which the server validates.
import { Card, Checkbox, Flex, Select, Switch, Tooltip, Typography } from 'antd';
import { useMemo } from 'react';
import { useListPermissionsQuery } from '../../api/generated';
import { useT } from '../../i18n';

export interface PermissionPickerProps {
  value?: string[];
  onChange?: (value: string[]) => void;
  disabled?: boolean;
  id?: string;
}

interface Resource {
  name: string;
  actions: { name: string; permission: string; description: string }[];
}

export function groupPermissions(list: readonly { name: string; description: string }[]): Resource[] {
  const byResource = new Map<string, Resource>();
  for (const item of list) {
    const [resource = item.name, action = ''] = item.name.split(':');
    const entry = byResource.get(resource) ?? { name: resource, actions: [] };
    entry.actions.push({ name: action, permission: item.name, description: item.description });
    byResource.set(resource, entry);
  }
  return [...byResource.values()];
}

export function PermissionPicker({ value = [], onChange, disabled, id }: PermissionPickerProps) {
  const t = useT();
  const known = useListPermissionsQuery();
  const resources = useMemo(() => groupPermissions(known.data?.data ?? []), [known.data]);
  const standard = useMemo(() => {
    const set = new Set<string>(['*']);
    for (const r of resources) {
      set.add(`${r.name}:*`);
      for (const a of r.actions) set.add(a.permission);
    }
    return set;
  }, [resources]);
  const selected = new Set(value);
  const superuser = selected.has('*');
  const extra = value.filter((p) => !standard.has(p));

  const emit = (next: Set<string>) => onChange?.([...next]);
  const toggle = (permission: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(permission);
    else next.delete(permission);
    emit(next);
  };
  const toggleResource = (resource: Resource, on: boolean) => {
    const next = new Set(selected);
    for (const a of resource.actions) next.delete(a.permission);
    if (on) next.add(`${resource.name}:*`);
    else next.delete(`${resource.name}:*`);
    emit(next);
  };

  return (
    <Flex vertical gap={12} id={id}>
      <Flex align="center" gap={8}>
        <Switch size="small" checked={superuser} disabled={disabled} onChange={(on) => toggle('*', on)} aria-label={t('admin.roles.superuser')} />
        <Typography.Text strong>{t('admin.roles.superuser')}</Typography.Text>
        <Typography.Text type="secondary">{t('admin.roles.superuserHint')}</Typography.Text>
      </Flex>
      <Card size="small" loading={known.isLoading} styles={{ body: { padding: 12 } }}>
        <Flex vertical gap={10}>
          {resources.map((resource) => {
            const all = selected.has(`${resource.name}:*`);
            return (
              <Flex key={resource.name} gap={12} align="baseline" wrap>
                <Checkbox
                  checked={all || superuser}
                  disabled={disabled || superuser}
                  onChange={(e) => toggleResource(resource, e.target.checked)}
                  style={{ width: 150, fontWeight: 600 }}
                >
                  <code>{resource.name}:*</code>
                </Checkbox>
                {resource.actions.map((action) => (
                  <Tooltip key={action.permission} title={action.description}>
                    <Checkbox
                      checked={superuser || all || selected.has(action.permission)}
                      disabled={disabled || superuser || all}
                      onChange={(e) => toggle(action.permission, e.target.checked)}
                    >
                      {action.name}
                    </Checkbox>
                  </Tooltip>
                ))}
              </Flex>
            );
          })}
        </Flex>
      </Card>
      <div>
        <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 4 }}>
          {t('admin.roles.scopedHint')}
        </Typography.Text>
        <Select
          mode="tags"
          value={extra}
          disabled={disabled}
          placeholder="datasource:read:ds_main"
          style={{ width: '100%' }}
          tokenSeparators={[',', ' ']}
          aria-label={t('admin.roles.scoped')}
          onChange={(next: string[]) => emit(new Set([...value.filter((p) => standard.has(p)), ...next]))}
          open={false}
          suffixIcon={null}
        />
      </div>
    </Flex>
  );
}
