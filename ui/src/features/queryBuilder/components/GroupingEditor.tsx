// Group by, aggregates (count(*), count(distinct x), sum/avg/min/max with `as`) and having.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Flex, Input, Select, Typography } from 'antd';
import { useAppDispatch, useAppSelector } from '../../../app/hooks';
import { useT } from '../../../i18n';
import { useColumnDrop, useEnsureTable } from '../hooks/useBuilderActions';
import { queryBuilderActions as qb } from '../queryBuilderSlice';
import { aggregateExpression } from '../model/dsl';
import { AGGREGATE_FNS, type Aggregate, type AggregateFn } from '../model/types';
import { useBuilder, useTargetErrors } from './BuilderContext';
import type { FieldOption } from './ConditionRow';
import { FilterBuilder } from './FilterBuilder';

function AggregateRow({ a }: { a: Aggregate }) {
  const t = useT();
  const dispatch = useAppDispatch();
  const { fields } = useBuilder();
  const errors = useTargetErrors({ section: 'aggregate', id: a.id });
  const options = [
    ...(a.fn === 'count' ? [{ value: '*', label: '*' }] : []),
    ...fields
      .filter((f) => a.fn === 'count' || a.fn === 'min' || a.fn === 'max' || f.kind === 'integer' || f.kind === 'decimal')
      .map((f) => ({ value: f.field, label: `${f.field} · ${f.type}` })),
  ];
  return (
    <div data-testid="aggregate">
      <Flex gap={6} align="center" wrap>
        <Select
          aria-label={t('qb.agg.function')}
          style={{ width: 100 }}
          value={a.fn}
          options={AGGREGATE_FNS.map((fn) => ({ value: fn, label: fn.toUpperCase() }))}
          onChange={(fn: AggregateFn) => dispatch(qb.aggregateChanged({ id: a.id, fn }))}
        />
        {a.fn === 'count' && a.field !== '*' && (
          <Checkbox checked={a.distinct} onChange={(e) => dispatch(qb.aggregateChanged({ id: a.id, distinct: e.target.checked }))}>
            {t('qb.agg.distinct')}
          </Checkbox>
        )}
        <Select
          aria-label={t('qb.agg.field')}
          showSearch
          status={errors.length ? 'error' : undefined}
          style={{ minWidth: 180 }}
          value={a.field || undefined}
          placeholder={t('qb.agg.field')}
          options={options}
          onChange={(field: string) => dispatch(qb.aggregateChanged({ id: a.id, field }))}
        />
        <Input
          aria-label={t('qb.agg.as')}
          placeholder={t('qb.agg.as')}
          style={{ width: 120 }}
          value={a.as}
          onChange={(e) => dispatch(qb.aggregateChanged({ id: a.id, as: e.target.value }))}
        />
        <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('qb.agg.remove')} onClick={() => dispatch(qb.aggregateRemoved(a.id))} />
      </Flex>
      {errors.map((m, i) => (
        <Typography.Text key={i} type="danger" role="alert" style={{ display: 'block', fontSize: 12 }}>
          {m}
        </Typography.Text>
      ))}
    </div>
  );
}

export function GroupingEditor() {
  const t = useT();
  const dispatch = useAppDispatch();
  const { fields, outputNames, errors } = useBuilder();
  const { groupBy, aggregates, having, selectedTables } = useAppSelector((s) => s.queryBuilder);
  const { ensureTable } = useEnsureTable();
  const rootAlias = selectedTables[0]?.alias;
  const drop = useColumnDrop((c) => dispatch(qb.groupByAdded(`${ensureTable(c.table).alias}.${c.column}`)));
  const groupErrors = groupBy.flatMap((_, i) => errors.byTarget.get(`groupBy:${i}`) ?? []);
  const havingFields: FieldOption[] = [
    ...outputNames.map((n) => ({ value: n, label: n })),
    ...aggregates
      .filter((a) => a.field)
      .map((a) => {
        const expr = aggregateExpression(a);
        return { value: expr, label: aggregateExpression(a, rootAlias), kind: a.fn === 'count' ? ('integer' as const) : undefined };
      }),
    { value: 'count(*)', label: 'count(*)', kind: 'integer' as const },
    ...fields.map((f) => ({ value: f.field, label: f.field, kind: f.kind })),
  ].filter((o, i, all) => all.findIndex((x) => x.value === o.value) === i);
  return (
    <Flex vertical gap={12}>
      <div {...drop.props}>
        <Typography.Text strong>{t('qb.group.by')}</Typography.Text>
        <Select
          data-testid="group-by"
          aria-label={t('qb.group.by')}
          mode="multiple"
          allowClear
          status={groupErrors.length ? 'error' : undefined}
          style={{ width: '100%', marginTop: 4 }}
          placeholder={t('qb.group.byPlaceholder')}
          value={groupBy}
          options={fields.map((f) => ({ value: f.field, label: f.field }))}
          onSelect={(v: string) => dispatch(qb.groupByAdded(v))}
          onDeselect={(v: string) => dispatch(qb.groupByRemoved(v))}
          onClear={() => groupBy.forEach((g) => dispatch(qb.groupByRemoved(g)))}
        />
        {groupErrors.map((m, i) => (
          <Typography.Text key={i} type="danger" role="alert" style={{ display: 'block', fontSize: 12 }}>
            {m}
          </Typography.Text>
        ))}
      </div>
      <div>
        <Flex justify="space-between" align="center">
          <Typography.Text strong>{t('qb.agg.title')}</Typography.Text>
          <Button
            size="small"
            icon={<PlusOutlined />}
            data-testid="add-aggregate"
            onClick={() => dispatch(qb.aggregateAdded({ fn: 'count', field: '*', as: `n${aggregates.length ? aggregates.length + 1 : ''}` }))}
          >
            {t('qb.agg.add')}
          </Button>
        </Flex>
        <Flex vertical gap={6} style={{ marginTop: 6 }}>
          {aggregates.map((a) => (
            <AggregateRow key={a.id} a={a} />
          ))}
        </Flex>
      </div>
      <div>
        <Typography.Text strong>{t('qb.having.title')}</Typography.Text>
        <div style={{ marginTop: 4 }}>
          <FilterBuilder root={having} tree="having" fieldOptions={havingFields} />
        </div>
      </div>
    </Flex>
  );
}

export default GroupingEditor;
