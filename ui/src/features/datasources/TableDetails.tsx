// One table of the schema browser: columns (type, nullable, default, keys), indexes, foreign keys.
import { Descriptions, Table, Tabs, Tag, Typography } from 'antd';
import { KeyOutlined, LinkOutlined } from '@ant-design/icons';
import { useT } from '../../i18n';
import { columnsOf, foreignKeysOf, indexesOf, type ColumnInfo, type ForeignKeyInfo, type IndexInfo, type TableView } from './types';

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function TableDetails({ table }: { table: TableView }) {
  const t = useT();
  const columns = columnsOf(table);
  const indexes = indexesOf(table);
  const foreignKeys = foreignKeysOf(table);
  const fkByColumn = new Map<string, ForeignKeyInfo>();
  for (const fk of foreignKeys) for (const c of fk.columns) fkByColumn.set(c, fk);
  const none = <Typography.Text type="secondary">—</Typography.Text>;

  const keyTags = (c: ColumnInfo) => {
    const tags = [];
    if (c.key === 'PRI' || c.key === 'UNI' || c.key === 'MUL') {
      tags.push(
        <Tag key="k" color={c.key === 'PRI' ? 'gold' : c.key === 'UNI' ? 'purple' : 'default'} icon={c.key === 'PRI' ? <KeyOutlined /> : undefined} data-testid={`schema-key-${c.key}`}>
          {t(`datasources.schema.key.${c.key}`)}
        </Tag>,
      );
    }
    const fk = fkByColumn.get(c.name);
    if (fk) {
      const i = fk.columns.indexOf(c.name);
      const target = `${fk.referencedTable}.${fk.referencedColumns[i] ?? fk.referencedColumns[0] ?? ''}`;
      tags.push(
        <Tag key="fk" color="blue" icon={<LinkOutlined />} data-testid="schema-key-FK">
          {t('datasources.schema.key.FK', { target })}
        </Tag>,
      );
    }
    return tags.length ? tags : none;
  };

  const columnTable = (
    <Table<ColumnInfo>
      data-testid="schema-columns"
      rowKey="name"
      size="small"
      pagination={false}
      dataSource={columns}
      columns={[
        { title: t('datasources.schema.col.name'), dataIndex: 'name', render: (name: string) => <Typography.Text strong>{name}</Typography.Text> },
        { title: t('datasources.schema.col.type'), dataIndex: 'fullType', render: (type: string) => <Typography.Text code>{type}</Typography.Text> },
        {
          title: t('datasources.schema.col.nullable'),
          dataIndex: 'nullable',
          render: (nullable: boolean) => (nullable ? t('datasources.test.yes') : t('datasources.test.no')),
        },
        { title: t('datasources.schema.col.default'), dataIndex: 'default', render: (d: string | null) => (d === null || d === undefined ? none : <Typography.Text code>{d}</Typography.Text>) },
        { title: t('datasources.schema.col.key'), key: 'key', render: (_, c) => keyTags(c) },
        { title: t('datasources.schema.col.extra'), dataIndex: 'extra', render: (e: string | null) => e ?? none },
        { title: t('datasources.schema.col.comment'), dataIndex: 'comment', render: (e: string | null) => e ?? none },
      ]}
    />
  );

  const indexTable = (
    <Table<IndexInfo>
      data-testid="schema-indexes"
      rowKey="name"
      size="small"
      pagination={false}
      dataSource={indexes}
      locale={{ emptyText: t('datasources.schema.none') }}
      columns={[
        { title: t('datasources.schema.idx.name'), dataIndex: 'name' },
        { title: t('datasources.schema.idx.columns'), dataIndex: 'columns', render: (cols: string[]) => cols.join(', ') },
        { title: t('datasources.schema.idx.unique'), dataIndex: 'unique', render: (u: boolean) => (u ? t('datasources.test.yes') : t('datasources.test.no')) },
        { title: t('datasources.schema.idx.primary'), dataIndex: 'primary', render: (p: boolean) => (p ? t('datasources.test.yes') : t('datasources.test.no')) },
      ]}
    />
  );

  const fkTable = (
    <Table<ForeignKeyInfo>
      data-testid="schema-foreign-keys"
      rowKey="name"
      size="small"
      pagination={false}
      dataSource={foreignKeys}
      locale={{ emptyText: t('datasources.schema.none') }}
      columns={[
        { title: t('datasources.schema.fk.name'), dataIndex: 'name' },
        { title: t('datasources.schema.fk.columns'), dataIndex: 'columns', render: (cols: string[]) => cols.join(', ') },
        {
          title: t('datasources.schema.fk.references'),
          key: 'ref',
          render: (_, fk) => `${fk.referencedTable}(${fk.referencedColumns.join(', ')})`,
        },
      ]}
    />
  );

  return (
    <div data-testid="schema-table-details" data-table={table.name}>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {table.name} {table.kind === 'view' && <Tag>{t('datasources.schema.view')}</Tag>}
      </Typography.Title>
      <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 8 }}>
        <Descriptions.Item label={t('datasources.schema.col.comment')}>{table.comment || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('datasources.schema.engine')}>{table.engine || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('datasources.schema.size')}>
          {table.dataLength !== null && table.dataLength !== undefined ? formatBytes(table.dataLength) : '—'}
        </Descriptions.Item>
      </Descriptions>
      <Tabs
        items={[
          { key: 'columns', label: t('datasources.schema.columns', { count: columns.length }), children: columnTable },
          { key: 'indexes', label: t('datasources.schema.indexes', { count: indexes.length }), children: indexTable },
          { key: 'fks', label: t('datasources.schema.foreignKeys', { count: foreignKeys.length }), children: fkTable },
        ]}
      />
    </div>
  );
}
