// The query's tables (the first is the root, the others joined), their aliases and selected
// columns with output names. Schema columns can be dropped here to select them.
import { CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Empty, Flex, Input, Select, Tag, Typography, theme } from 'antd';
import { useAppDispatch, useAppSelector } from '../../../app/hooks';
import { useT } from '../../../i18n';
import { useColumnDrop, useEnsureTable } from '../hooks/useBuilderActions';
import { queryBuilderActions as qb } from '../queryBuilderSlice';
import type { TableConfig } from '../model/types';
import { useBuilder, useTargetErrors } from './BuilderContext';

function Errors({ messages }: { messages: string[] }) {
  return (
    <>
      {messages.map((m, i) => (
        <Typography.Text key={i} type="danger" role="alert" style={{ display: 'block', fontSize: 12 }}>
          {m}
        </Typography.Text>
      ))}
    </>
  );
}

function ColumnTag({ table, name, as }: { table: TableConfig; name: string; as?: string }) {
  const t = useT();
  const dispatch = useAppDispatch();
  const errors = useTargetErrors({ section: 'column', tableId: table.id, column: name });
  return (
    <div data-testid={`selected-column-${table.alias}.${name}`}>
      <Tag
        color={errors.length ? 'error' : 'blue'}
        closable
        onClose={() => dispatch(qb.columnToggled({ tableId: table.id, column: name, selected: false }))}
        closeIcon={<CloseOutlined aria-label={t('qb.tables.unselect', { column: name })} />}
      >
        {name}
        <Input
          size="small"
          variant="borderless"
          aria-label={t('qb.tables.columnAs', { column: name })}
          placeholder={t('qb.tables.as')}
          value={as ?? ''}
          onChange={(e) => dispatch(qb.columnAliasChanged({ tableId: table.id, column: name, as: e.target.value }))}
          style={{ width: 70, marginInlineStart: 4, padding: 0, fontSize: 12 }}
        />
      </Tag>
      <Errors messages={errors} />
    </div>
  );
}

function TableCard({ table, root }: { table: TableConfig; root: boolean }) {
  const t = useT();
  const dispatch = useAppDispatch();
  const errors = useTargetErrors({ section: 'table', tableId: table.id });
  return (
    <Card
      size="small"
      data-testid={`table-card-${table.alias}`}
      title={
        <Flex gap={8} align="center">
          <span>{table.name}</span>
          {root ? <Tag color="geekblue">{t('qb.tables.root')}</Tag> : <Tag>{t('qb.tables.joined')}</Tag>}
        </Flex>
      }
      extra={
        <Button
          size="small"
          type="text"
          danger
          icon={<CloseOutlined />}
          aria-label={t('qb.tables.remove', { table: table.name })}
          onClick={() => dispatch(qb.tableRemoved({ tableId: table.id }))}
        />
      }
    >
      <Flex gap={12} align="center" wrap style={{ marginBottom: 8 }}>
        <label>
          {t('qb.tables.alias')}{' '}
          <Input
            size="small"
            aria-label={t('qb.tables.aliasOf', { table: table.name })}
            defaultValue={table.alias}
            key={table.alias}
            style={{ width: 90 }}
            onBlur={(e) => dispatch(qb.tableAliasChanged({ tableId: table.id, alias: e.target.value }))}
            onPressEnter={(e) => dispatch(qb.tableAliasChanged({ tableId: table.id, alias: e.currentTarget.value }))}
          />
        </label>
        <Checkbox checked={table.allColumns} onChange={() => dispatch(qb.allColumnsToggled({ tableId: table.id }))}>
          {t('qb.tables.allColumns')}
        </Checkbox>
      </Flex>
      <Errors messages={errors} />
      <Flex gap={6} wrap>
        {table.columns.map((c) => (
          <ColumnTag key={c.name} table={table} name={c.name} as={c.as} />
        ))}
        {table.columns.length === 0 && !table.allColumns && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {root ? t('qb.tables.noColumnsRoot') : t('qb.tables.noColumnsJoined')}
          </Typography.Text>
        )}
      </Flex>
    </Card>
  );
}

export function TablesEditor() {
  const t = useT();
  const { token } = theme.useToken();
  const dispatch = useAppDispatch();
  const { schema } = useBuilder();
  const tables = useAppSelector((s) => s.queryBuilder.selectedTables);
  const { addTable, ensureTable } = useEnsureTable();
  const drop = useColumnDrop((c) => {
    const { alias } = ensureTable(c.table);
    dispatch(qb.columnToggled({ alias, column: c.column, selected: true }));
  });
  return (
    <Flex
      vertical
      gap={8}
      data-testid="selection-dropzone"
      {...drop.props}
      style={{ outline: drop.over ? `2px dashed ${token.colorPrimary}` : undefined, borderRadius: token.borderRadius, padding: 2 }}
    >
      <Select
        data-testid="table-add"
        aria-label={t('qb.tables.add')}
        showSearch
        placeholder={
          <span>
            <PlusOutlined /> {tables.length ? t('qb.tables.addJoined') : t('qb.tables.add')}
          </span>
        }
        value={null}
        options={schema.map((s) => ({ value: s.name, label: s.name }))}
        onChange={(name: string | null) => name && addTable(name)}
        style={{ width: '100%' }}
      />
      {tables.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('qb.tables.empty')} />
      ) : (
        tables.map((table, i) => <TableCard key={table.id} table={table} root={i === 0} />)
      )}
    </Flex>
  );
}

export default TablesEditor;
