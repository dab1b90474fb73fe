// The datasource's tables and columns (type, key and index markers). Click a column to select
// it, or drag it onto the selection, a filter group, grouping or sorting.
import { KeyOutlined, PlusOutlined, TableOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Button, Collapse, Flex, Input, Tag, Tooltip, Typography, theme } from 'antd';
import { useMemo, useState } from 'react';
import { useAppDispatch, useAppSelector } from '../../../app/hooks';
import { useT } from '../../../i18n';
import { useEnsureTable } from '../hooks/useBuilderActions';
import { queryBuilderActions as qb } from '../queryBuilderSlice';
import type { SchemaColumn, SchemaTable } from '../model/schema';
import { COLUMN_DRAG_TYPE, useBuilder } from './BuilderContext';

function ColumnItem({ table, column }: { table: SchemaTable; column: SchemaColumn }) {
  const t = useT();
  const { token } = theme.useToken();
  const dispatch = useAppDispatch();
  const { ensureTable } = useEnsureTable();
  const selected = useAppSelector((s) =>
    s.queryBuilder.selectedTables.some((x) => x.name === table.name && x.columns.some((c) => c.name === column.name)),
  );
  const toggle = () => {
    const { alias } = ensureTable(table.name);
    dispatch(qb.columnToggled({ alias, column: column.name }));
  };
  return (
    <div
      role="button"
      tabIndex={0}
      draggable
      data-testid={`column-${table.name}.${column.name}`}
      aria-pressed={selected}
      aria-label={t('qb.schema.columnLabel', { table: table.name, column: column.name, type: column.fullType })}
      onClick={toggle}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          toggle();
        }
      }}
      onDragStart={(e) => {
        e.dataTransfer.setData(COLUMN_DRAG_TYPE, JSON.stringify({ table: table.name, column: column.name }));
        e.dataTransfer.setData('text/plain', `${table.name}.${column.name}`);
        e.dataTransfer.effectAllowed = 'copy';
      }}
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 6,
        padding: '3px 6px',
        borderRadius: token.borderRadiusSM,
        cursor: 'grab',
        background: selected ? token.colorPrimaryBg : undefined,
      }}
    >
      <span style={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
        {column.name}
      </span>
      {column.key === 'PRI' && (
        <Tooltip title={t('qb.schema.primaryKey')}>
          <KeyOutlined style={{ color: token.colorWarning }} aria-label={t('qb.schema.primaryKey')} />
        </Tooltip>
      )}
      {column.key === 'UNI' && <Tag style={{ marginInlineEnd: 0 }}>{t('qb.schema.unique')}</Tag>}
      {column.indexed && column.key !== 'PRI' && (
        <Tooltip title={t('qb.schema.indexed')}>
          <ThunderboltOutlined style={{ color: token.colorSuccess }} aria-label={t('qb.schema.indexed')} />
        </Tooltip>
      )}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {column.fullType}
      </Typography.Text>
    </div>
  );
}

export function SchemaPanel() {
  const t = useT();
  const { schema } = useBuilder();
  const { addTable } = useEnsureTable();
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    if (!f) return schema;
    return schema.filter((s) => s.name.toLowerCase().includes(f) || s.columns.some((c) => c.name.toLowerCase().includes(f)));
  }, [schema, filter]);
  return (
    <Flex vertical gap={8} data-testid="schema-panel">
      <Input.Search allowClear placeholder={t('qb.schema.search')} aria-label={t('qb.schema.search')} onChange={(e) => setFilter(e.target.value)} />
      <Collapse
        size="small"
        items={shown.map((s) => ({
          key: s.name,
          label: (
            <Flex justify="space-between" align="center" gap={8}>
              <span data-testid={`schema-table-${s.name}`}>
                <TableOutlined /> {s.name}
              </span>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {s.rows !== null ? t('qb.schema.rows', { n: s.rows.toLocaleString() }) : ''}
              </Typography.Text>
            </Flex>
          ),
          extra: (
            <Tooltip title={t('qb.schema.addTable')}>
              <Button
                size="small"
                type="text"
                icon={<PlusOutlined />}
                aria-label={t('qb.schema.addTableNamed', { table: s.name })}
                onClick={(e) => {
                  e.stopPropagation();
                  addTable(s.name);
                }}
              />
            </Tooltip>
          ),
          children: (
            <Flex vertical gap={2}>
              {s.columns.map((c) => (
                <ColumnItem key={c.name} table={s} column={c} />
              ))}
            </Flex>
          ),
        }))}
      />
    </Flex>
  );
}

export default SchemaPanel;
