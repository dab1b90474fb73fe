// The datasource the query runs on; the default one is chosen when none is.
import { DatabaseOutlined } from '@ant-design/icons';
import { Select, Tag } from 'antd';
import { useEffect } from 'react';
import { useListDatasourcesQuery } from '../../../api/generated';
import { useAppDispatch, useAppSelector } from '../../../app/hooks';
import { notify } from '../../../app/notify';
import { useT } from '../../../i18n';
import { queryBuilderActions as qb } from '../queryBuilderSlice';

export function useDatasources() {
  return useListDatasourcesQuery({ page: 1, pageSize: 100 });
}

export function DatasourcePicker() {
  const t = useT();
  const dispatch = useAppDispatch();
  const current = useAppSelector((s) => s.queryBuilder.datasourceId);
  const hasTables = useAppSelector((s) => s.queryBuilder.selectedTables.length > 0);
  const { data, isLoading, error } = useDatasources();
  const items = data?.data?.items ?? [];
  useEffect(() => {
    if (current || items.length === 0) return;
    const preferred = items.find((d) => d.isDefault) ?? items[0];
    if (preferred) dispatch(qb.datasourceSelected(preferred.id));
  }, [current, items, dispatch]);
  return (
    <Select
      data-testid="datasource-select"
      aria-label={t('qb.datasource')}
      style={{ width: '100%' }}
      loading={isLoading}
      status={error ? 'error' : undefined}
      placeholder={error ? t('qb.datasourceFailed') : t('qb.datasource')}
      value={current ?? undefined}
      suffixIcon={<DatabaseOutlined />}
      notFoundContent={t('qb.noDatasources')}
      onChange={(id: string) => {
        if (id === current) return;
        dispatch(qb.datasourceSelected(id));
        // Another datasource has other tables: the builder starts over, and says so.
        if (hasTables) notify({ level: 'info', title: t('qb.datasourceSwitched'), key: 'qb-datasource-switched' });
      }}
      options={items.map((d) => ({
        value: d.id,
        label: (
          <span>
            {d.name} <Tag style={{ marginInlineStart: 4 }}>{d.type}</Tag>
            {d.status === 'error' && <Tag color="error">{t('qb.datasourceDown')}</Tag>}
          </span>
        ),
      }))}
    />
  );
}

export default DatasourcePicker;
