// One leaf condition: field, operator, value (or another column), NOT, remove; with the
// validator's messages about it.
import { DeleteOutlined } from '@ant-design/icons';
import { Button, Checkbox, Flex, Select, Switch, Tooltip, Typography } from 'antd';
import { useAppDispatch } from '../../../app/hooks';
import { useT } from '../../../i18n';
import { queryBuilderActions as qb } from '../queryBuilderSlice';
import { COLUMN_COMPARABLE, type ConditionLeaf, type ConditionTree, type Operator } from '../model/types';
import { operatorsFor } from '../model/values';
import { useBuilder, useTargetErrors } from './BuilderContext';
import { ValueInput } from './ValueInput';

export interface FieldOption {
  value: string;
  label: string;
  kind?: import('../model/values').ValueKind;
}

export function ConditionRow({ node, tree, fieldOptions }: { node: ConditionLeaf; tree: ConditionTree; fieldOptions: FieldOption[] }) {
  const t = useT();
  const dispatch = useAppDispatch();
  const { fields } = useBuilder();
  const errors = useTargetErrors({ section: tree, id: node.id });
  const field = fieldOptions.find((f) => f.value === node.field);
  const operators = operatorsFor(field?.kind);
  if (!operators.includes(node.operator)) operators.push(node.operator);
  const change = (patch: Omit<Parameters<typeof qb.conditionChanged>[0], 'tree' | 'id'>) =>
    dispatch(qb.conditionChanged({ tree, id: node.id, ...patch }));
  const comparable = COLUMN_COMPARABLE.includes(node.operator);
  const byColumn = node.valueColumn !== undefined;
  const status = errors.length ? 'error' : undefined;
  return (
    <div data-testid="condition" data-condition-id={node.id}>
      <Flex gap={8} align="center" wrap>
        <Checkbox
          aria-label={t('qb.filter.not')}
          checked={Boolean(node.not)}
          onChange={() => dispatch(qb.nodeNegated({ tree, id: node.id }))}
        >
          {t('qb.filter.not')}
        </Checkbox>
        <Select
          data-testid="condition-field"
          aria-label={t('qb.filter.field')}
          showSearch
          status={status}
          style={{ minWidth: 180 }}
          value={node.field || undefined}
          placeholder={t('qb.filter.field')}
          options={fieldOptions.map((f) => ({ value: f.value, label: f.label }))}
          onChange={(v: string) => change({ field: v })}
        />
        <Select
          data-testid="operator-select"
          aria-label={t('qb.filter.operator')}
          style={{ minWidth: 150 }}
          value={node.operator}
          onChange={(v: Operator) => change({ operator: v })}
          options={operators.map((op) => ({ value: op, label: `${t(`qb.op.${op}`)} (${op})` }))}
          popupMatchSelectWidth={false}
        />
        {comparable && (
          <Tooltip title={t('qb.filter.compareColumnHint')}>
            <Switch
              size="small"
              aria-label={t('qb.filter.compareColumn')}
              checked={byColumn}
              checkedChildren={t('qb.filter.column')}
              unCheckedChildren={t('qb.filter.value')}
              onChange={(on) => change({ valueColumn: on ? (fields.find((f) => f.field !== node.field)?.field ?? '') : null })}
            />
          </Tooltip>
        )}
        {byColumn ? (
          <Select
            data-testid="value-column"
            aria-label={t('qb.filter.otherColumn')}
            showSearch
            style={{ minWidth: 180 }}
            value={node.valueColumn || undefined}
            options={fields.map((f) => ({ value: f.field, label: `${f.field} · ${f.type}` }))}
            onChange={(v: string) => change({ valueColumn: v })}
          />
        ) : (
          <ValueInput operator={node.operator} value={node.value} kind={field?.kind} status={status} onChange={(value) => change({ value })} />
        )}
        <Button
          type="text"
          danger
          icon={<DeleteOutlined />}
          aria-label={t('qb.filter.remove')}
          data-testid="remove-condition"
          onClick={() => dispatch(qb.nodeRemoved({ tree, id: node.id }))}
        />
      </Flex>
      {errors.map((m, i) => (
        <Typography.Text key={i} type="danger" style={{ display: 'block', fontSize: 12 }} role="alert">
          {m}
        </Typography.Text>
      ))}
    </div>
  );
}

export default ConditionRow;
