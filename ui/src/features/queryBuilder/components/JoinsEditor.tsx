// Joins: type (INNER/LEFT/RIGHT, FULL where the dialect has it) and `on` column pairs.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Select, Typography } from 'antd';
import { useAppDispatch, useAppSelector } from '../../../app/hooks';
import { useT } from '../../../i18n';
import { queryBuilderActions as qb } from '../queryBuilderSlice';
import { JOIN_TYPES, ON_OPERATORS, type JoinConfig, type OnOperator } from '../model/types';
import { useBuilder, useTargetErrors } from './BuilderContext';

function JoinRow({ join }: { join: JoinConfig }) {
  const t = useT();
  const dispatch = useAppDispatch();
  const { fields, dialect } = useBuilder();
  const table = useAppSelector((s) => s.queryBuilder.selectedTables.find((x) => x.alias === join.alias));
  const errors = useTargetErrors({ section: 'join', id: join.id });
  const options = fields.map((f) => ({ value: f.field, label: `${f.field} · ${f.type}` }));
  const types = JOIN_TYPES.filter((type) => type !== 'FULL' || dialect !== 'mysql');
  return (
    <Card size="small" data-testid={`join-${join.alias}`}>
      <Flex gap={8} align="center" wrap>
        <Select
          aria-label={t('qb.joins.type', { table: join.alias })}
          data-testid="join-type"
          value={join.type}
          style={{ width: 110 }}
          onChange={(type) => dispatch(qb.joinTypeChanged({ joinId: join.id, type }))}
          options={types.map((type) => ({ value: type, label: t(`qb.joins.${type}`) }))}
        />
        <Typography.Text strong>
          {table?.name} {table && table.alias !== table.name ? table.alias : ''}
        </Typography.Text>
        <Typography.Text type="secondary">{t('qb.joins.on')}</Typography.Text>
      </Flex>
      <Flex vertical gap={6} style={{ marginTop: 8 }}>
        {join.on.map((pair, i) => (
          <Flex key={i} gap={6} align="center" wrap data-testid="join-on">
            <Select
              aria-label={t('qb.joins.left')}
              showSearch
              style={{ minWidth: 170 }}
              value={pair.left || undefined}
              options={options}
              onChange={(left: string) => dispatch(qb.joinConditionChanged({ joinId: join.id, index: i, pair: { left } }))}
            />
            <Select
              aria-label={t('qb.joins.operator')}
              style={{ width: 70 }}
              value={pair.op}
              options={ON_OPERATORS.map((op) => ({ value: op, label: op }))}
              onChange={(op: OnOperator) => dispatch(qb.joinConditionChanged({ joinId: join.id, index: i, pair: { op } }))}
            />
            <Select
              aria-label={t('qb.joins.right')}
              showSearch
              style={{ minWidth: 170 }}
              value={pair.right || undefined}
              options={options}
              onChange={(right: string) => dispatch(qb.joinConditionChanged({ joinId: join.id, index: i, pair: { right } }))}
            />
            <Button
              type="text"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('qb.joins.removeOn')}
              onClick={() => dispatch(qb.joinConditionRemoved({ joinId: join.id, index: i }))}
            />
          </Flex>
        ))}
        {join.on.length === 0 && <Typography.Text type="warning">{t('qb.joins.noOn')}</Typography.Text>}
        <div>
          <Button size="small" icon={<PlusOutlined />} onClick={() => dispatch(qb.joinConditionAdded({ joinId: join.id }))}>
            {t('qb.joins.addOn')}
          </Button>
        </div>
        {errors.map((m, i) => (
          <Typography.Text key={i} type="danger" role="alert" style={{ fontSize: 12 }}>
            {m}
          </Typography.Text>
        ))}
      </Flex>
    </Card>
  );
}

export function JoinsEditor() {
  const t = useT();
  const joins = useAppSelector((s) => s.queryBuilder.joins);
  if (joins.length === 0) {
    return <Typography.Text type="secondary">{t('qb.joins.empty')}</Typography.Text>;
  }
  return (
    <Flex vertical gap={8}>
      {joins.map((j) => (
        <JoinRow key={j.id} join={j} />
      ))}
    </Flex>
  );
}

export default JoinsEditor;
