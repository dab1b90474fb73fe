// The canvas's node: type icon, name, run status colour (`data-status`) and a problem badge.
import { Badge, Tooltip } from 'antd';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { useT } from '../../../i18n';
import type { FlowNode } from '../model/flow';
import { NODE_ICONS } from './nodeIcons';

export function NodeCard({ id, data, selected }: NodeProps<FlowNode>) {
  const t = useT();
  const status = data.status ?? 'idle';
  return (
    <div
      data-testid={`wf-node-${id}`}
      data-status={status}
      className={`wf-node${selected ? ' wf-node--selected' : ''}`}
      aria-label={t('wf.node.aria', { name: data.name, type: t(`wf.type.${data.nodeType}`) })}
    >
      <Handle type="target" position={Position.Left} />
      <span className="wf-node-icon">{NODE_ICONS[data.nodeType]}</span>
      <div style={{ minWidth: 0 }}>
        <div style={{ fontWeight: 500, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{data.name || id}</div>
        <div className="wf-node-type">
          {t(`wf.type.${data.nodeType}`)}
          {data.status ? ` · ${t(`wf.status.${data.status}`)}` : ''}
        </div>
      </div>
      {data.problemCount > 0 && (
        <Tooltip title={t('wf.node.problems', { n: data.problemCount })}>
          <span className="wf-node-badge" data-testid={`wf-node-problems-${id}`}>
            <Badge count={data.problemCount} />
          </span>
        </Tooltip>
      )}
      {data.nodeType !== 'end' && <Handle type="source" position={Position.Right} />}
    </div>
  );
}
