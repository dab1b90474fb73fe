// Order by (asc/desc), limit and offset, and the `@cache` / `@total` directives.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Flex, InputNumber, Segmented, Select, Switch, Typography } from 'antd';
import { useAppDispatch, useAppSelector } from '../../../app/hooks';
import { useT } from '../../../i18n';
import { useColumnDrop, useEnsureTable } from '../hooks/useBuilderActions';
import { queryBuilderActions as qb } from '../queryBuilderSlice';
import type { OrderItem } from '../model/types';
import { useBuilder, useTargetErrors } from './BuilderContext';

function SortRow({ item, options }: { item: OrderItem; options: { value: string; label: string }[] }) {
  const t = useT();
  const dispatch = useAppDispatch();
  const errors = useTargetErrors({ section: 'orderBy', id: item.id });
  return (
    <div data-testid="sort">
      <Flex gap={6} align="center">
        <Select
          aria-label={t('qb.sort.field')}
          showSearch
          status={errors.length ? 'error' : undefined}
          style={{ minWidth: 180 }}
          value={item.field || undefined}
          options={options}
          onChange={(field: string) => dispatch(qb.sortChanged({ id: item.id, field }))}
        />
        <Segmented
          size="small"
          aria-label={t('qb.sort.direction')}
          value={item.direction}
          options={[
            { value: 'asc', label: t('qb.sort.asc') },
            { value: 'desc', label: t('qb.sort.desc') },
          ]}
          onChange={(v) => dispatch(qb.sortChanged({ id: item.id, direction: v as 'asc' | 'desc' }))}
        />
        <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('qb.sort.remove')} onClick={() => dispatch(qb.sortRemoved(item.id))} />
      </Flex>
      {errors.map((m, i) => (
        <Typography.Text key={i} type="danger" role="alert" style={{ display: 'block', fontSize: 12 }}>
          {m}
        </Typography.Text>
      ))}
    </div>
  );
}

export function SortPagingEditor() {
  const t = useT();
  const dispatch = useAppDispatch();
  const { fields, outputNames, errors } = useBuilder();
  const { orderBy, pagination, directives } = useAppSelector((s) => s.queryBuilder);
  const { ensureTable } = useEnsureTable();
  const drop = useColumnDrop((c) => dispatch(qb.sortAdded({ field: `${ensureTable(c.table).alias}.${c.column}` })));
  const options = [...outputNames.map((n) => ({ value: n, label: n })), ...fields.map((f) => ({ value: f.field, label: `${f.field}${f.indexed ? ' ⚡' : ''}` }))];
  const limitErrors = errors.byTarget.get('limit') ?? [];
  const offsetErrors = errors.byTarget.get('offset') ?? [];
  return (
    <Flex vertical gap={12}>
      <div {...drop.props}>
        <Flex justify="space-between" align="center">
          <Typography.Text strong>{t('qb.sort.title')}</Typography.Text>
          <Button
            size="small"
            icon={<PlusOutlined />}
            data-testid="add-sort"
            disabled={options.length === 0}
            onClick={() => dispatch(qb.sortAdded({ field: options[0]?.value ?? '' }))}
          >
            {t('qb.sort.add')}
          </Button>
        </Flex>
        <Flex vertical gap={6} style={{ marginTop: 6 }}>
          {orderBy.map((o) => (
            <SortRow key={o.id} item={o} options={options} />
          ))}
        </Flex>
      </div>
      <Flex gap={16} wrap align="center">
        <label>
          {t('qb.page.limit')}{' '}
          <InputNumber
            data-testid="limit"
            aria-label={t('qb.page.limit')}
            min={0}
            precision={0}
            status={limitErrors.length ? 'error' : undefined}
            value={pagination.limit}
            placeholder={t('qb.page.none')}
            onChange={(v) => dispatch(qb.limitChanged(typeof v === 'number' ? v : null))}
          />
        </label>
        <label>
          {t('qb.page.offset')}{' '}
          <InputNumber
            data-testid="offset"
            aria-label={t('qb.page.offset')}
            min={0}
            precision={0}
            status={offsetErrors.length ? 'error' : undefined}
            value={pagination.offset}
            placeholder="0"
            onChange={(v) => dispatch(qb.offsetChanged(typeof v === 'number' ? v : null))}
          />
        </label>
        <label>
          <Switch
            size="small"
            aria-label={t('qb.directives.total')}
            checked={directives.total}
            onChange={(total) => dispatch(qb.directivesChanged({ total }))}
          />{' '}
          {t('qb.directives.total')}
        </label>
        <label>
          <Switch
            size="small"
            aria-label={t('qb.directives.cache')}
            checked={directives.cache !== false}
            onChange={(on) => dispatch(qb.directivesChanged({ cache: on ? true : false }))}
          />{' '}
          {t('qb.directives.cache')}
        </label>
        {directives.cache !== false && (
          <label>
            {t('qb.directives.ttl')}{' '}
            <InputNumber
              aria-label={t('qb.directives.ttl')}
              min={1}
              max={86400}
              precision={0}
              placeholder="60"
              value={typeof directives.cache === 'number' ? directives.cache : null}
              onChange={(v) => dispatch(qb.directivesChanged({ cache: typeof v === 'number' ? v : true }))}
            />
          </label>
        )}
      </Flex>
      {[...limitErrors, ...offsetErrors, ...(errors.byTarget.get('directives') ?? [])].map((m, i) => (
        <Typography.Text key={i} type="danger" role="alert" style={{ fontSize: 12 }}>
          {m}
        </Typography.Text>
      ))}
    </Flex>
  );
}

export default SortPagingEditor;
