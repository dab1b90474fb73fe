// The generated list: one column per field, server-side sorting and paging, edit/delete per row.
import { Button, Empty, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType, SorterResult, TablePaginationConfig } from 'antd/es/table/interface';
import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { useT } from '../../i18n';
import type { GatewayRecord, SortOrder } from './gatewayApi';
import type { ModelField, ModelInfo } from './introspection';

export interface RecordTableProps {
  model: ModelInfo;
  records: GatewayRecord[];
  total: number;
  page: number;
  size: number;
  sort: SortOrder[];
  loading: boolean;
  filtered: boolean;
  writable: boolean;
  selected: React.Key[];
  onSelect: (keys: React.Key[]) => void;
  onChange: (change: { page: number; size: number; sort: SortOrder[] }) => void;
  onEdit: (record: GatewayRecord) => void;
  onDelete: (record: GatewayRecord) => void;
}

/** A record's key: its primary-key values (or its position when the model has none). */
export function recordKey(model: ModelInfo, record: GatewayRecord, index: number): string {
  return model.pk?.length ? model.pk.map((k) => String(record[k])).join('\u0000') : `#${index}`;
}

function Cell({ field, value }: { field: ModelField; value: unknown }) {
  const t = useT();
  if (value === null || value === undefined) return <Typography.Text type="secondary" italic>{t('dataPages.model.null')}</Typography.Text>;
  if (field.type === 'Boolean') return <Tag color={value ? 'green' : 'default'}>{value ? t('dataPages.model.true') : t('dataPages.model.false')}</Tag>;
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return (
    <Typography.Text ellipsis={{ tooltip: text }} style={{ maxWidth: 280 }} code={typeof value === 'object'}>
      {text}
    </Typography.Text>
  );
}

export function RecordTable(props: RecordTableProps) {
  const { model, records, total, page, size, sort, loading, filtered, writable, selected, onSelect, onChange, onEdit, onDelete } = props;
  const t = useT();
  const canEditRows = writable && !!model.pk?.length;
  const order = (field: string) => {
    const o = sort.find((s) => s.field === field);
    return o ? (o.direction === 'ASC' ? 'ascend' : 'descend') : null;
  };

  const columns: ColumnsType<GatewayRecord> = model.fields.map((field) => ({
    key: field.name,
    dataIndex: field.name,
    title: field.name,
    sorter: !field.isList && field.type !== 'Map',
    sortOrder: order(field.name),
    render: (value: unknown) => <Cell field={field} value={value} />,
  }));
  if (canEditRows) {
    columns.push({
      key: '__actions',
      title: t('dataPages.model.actions'),
      fixed: 'right',
      render: (_, record) => (
        <Space size="small">
          <Button size="small" icon={<EditOutlined />} onClick={() => onEdit(record)} data-testid="record-edit" aria-label={t('dataPages.model.edit')} />
          <Popconfirm
            title={t('dataPages.model.deleteConfirm')}
            onConfirm={() => onDelete(record)}
            okText={t('dataPages.model.delete')}
            cancelText={t('dataPages.form.cancel')}
            okButtonProps={{ danger: true, 'data-testid': 'record-delete-confirm' } as never}
          >
            <Button size="small" danger icon={<DeleteOutlined />} data-testid="record-delete" aria-label={t('dataPages.model.delete')} />
          </Popconfirm>
        </Space>
      ),
    });
  }

  const handleChange = (
    pagination: TablePaginationConfig,
    _filters: unknown,
    sorter: SorterResult<GatewayRecord> | SorterResult<GatewayRecord>[],
  ) => {
    const sorters = (Array.isArray(sorter) ? sorter : [sorter]).filter((s) => s.order && s.columnKey);
    const nextSort: SortOrder[] = sorters.map((s) => ({ field: String(s.columnKey), direction: s.order === 'ascend' ? 'ASC' : 'DESC' }));
    const sortChanged = JSON.stringify(nextSort) !== JSON.stringify(sort);
    const nextSize = pagination.pageSize ?? size;
    onChange({ page: sortChanged || nextSize !== size ? 1 : (pagination.current ?? page), size: nextSize, sort: nextSort });
  };

  return (
    <Table<GatewayRecord>
      data-testid="record-table"
      size="middle"
      rowKey={(record) => recordKey(model, record, records.indexOf(record))}
      columns={columns}
      dataSource={records}
      loading={loading}
      scroll={{ x: 'max-content' }}
      rowSelection={canEditRows ? { selectedRowKeys: selected, onChange: onSelect } : undefined}
      onChange={handleChange}
      locale={{ emptyText: <Empty description={filtered ? t('dataPages.model.emptyFiltered') : t('dataPages.model.empty')} /> }}
      pagination={{
        current: page,
        pageSize: size,
        total,
        showSizeChanger: true,
        pageSizeOptions: [10, 15, 20, 50, 100],
        showTotal: (n) => t('dataPages.model.total', { total: n }),
      }}
    />
  );
}
