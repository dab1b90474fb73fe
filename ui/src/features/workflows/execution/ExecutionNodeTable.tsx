// The execution's nodes in definition order: status, attempts, duration, error. A row selects
// its node (click, Enter or Space).
import { Table, Tag, Typography, theme } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { HTMLAttributes, KeyboardEvent } from 'react';
import { EmptyState } from '../../../common/EmptyState';
import { useT } from '../../../i18n';
import type { ExecutionNodeView } from './executionModel';
import { NODE_COLOR, formatDuration } from './format';

export interface ExecutionNodeTableProps {
  nodes: ExecutionNodeView[];
  selectedNodeId?: string;
  onSelect: (nodeId: string) => void;
}

export function ExecutionNodeTable({ nodes, selectedNodeId, onSelect }: ExecutionNodeTableProps) {
  const t = useT();
  const { token } = theme.useToken();

  const columns: ColumnsType<ExecutionNodeView> = [
    {
      key: 'node',
      title: t('wfx.col.node'),
      render: (_, n) => (
        <span>
          <Typography.Text strong>{n.name || n.nodeId}</Typography.Text>
          {n.name && n.name !== n.nodeId && (
            <Typography.Text type="secondary" style={{ marginLeft: 6, fontSize: 12 }}>
              {n.nodeId}
            </Typography.Text>
          )}
          {n.type && (
            <Tag style={{ marginLeft: 6 }} variant="filled">
              {n.type}
            </Tag>
          )}
        </span>
      ),
    },
    {
      key: 'status',
      title: t('wfx.col.status'),
      width: 120,
      render: (_, n) => (
        <Tag color={NODE_COLOR[n.status] ?? 'default'} data-testid="execution-node-status" data-status={n.status}>
          {t(`wfx.node.${n.status}`)}
        </Tag>
      ),
    },
    { key: 'attempts', title: t('wfx.col.attempts'), width: 90, align: 'right', render: (_, n) => n.attempts ?? '—' },
    { key: 'duration', title: t('wfx.col.duration'), width: 110, align: 'right', render: (_, n) => formatDuration(t, n.duration) },
    {
      key: 'error',
      title: t('wfx.col.error'),
      ellipsis: true,
      render: (_, n) =>
        n.error ? (
          <Typography.Text type="danger" ellipsis={{ tooltip: n.error }}>
            {n.error}
          </Typography.Text>
        ) : null,
    },
  ];

  const rowProps = (n: ExecutionNodeView): HTMLAttributes<HTMLElement> => {
    const selected = n.nodeId === selectedNodeId;
    return {
      ['data-testid' as string]: `execution-node-${n.nodeId}`,
      tabIndex: 0,
      'aria-selected': selected,
      onClick: () => onSelect(n.nodeId),
      onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect(n.nodeId);
        }
      },
      style: { cursor: 'pointer', background: selected ? token.controlItemBgActive : undefined },
    };
  };

  return (
    <Table<ExecutionNodeView>
      size="small"
      rowKey="nodeId"
      data-testid="execution-nodes"
      aria-label={t('wfx.nodes.title')}
      columns={columns}
      dataSource={nodes}
      pagination={false}
      onRow={rowProps}
      locale={{ emptyText: <EmptyState description={t('wfx.nodes.empty')} /> }}
    />
  );
}

export default ExecutionNodeTable;
