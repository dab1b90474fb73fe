// The six node types: drag one onto the canvas, or click it to add it next to the selection.
import { Button, Typography } from 'antd';
import { useT } from '../../../i18n';
import { NODE_TYPES, type NodeType } from '../model/types';
import { NODE_ICONS } from './nodeIcons';

export const DRAG_TYPE = 'application/x-quarry-node';

export function Palette({ onAdd }: { onAdd: (type: NodeType) => void }) {
  const t = useT();
  return (
    <nav className="wf-palette" aria-label={t('wf.palette')}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('wf.palette')}
      </Typography.Text>
      {NODE_TYPES.map((type) => (
        <Button
          key={type}
          className="wf-palette-item"
          data-testid={`palette-${type}`}
          icon={NODE_ICONS[type]}
          draggable
          title={t('wf.palette.hint')}
          onDragStart={(e) => {
            e.dataTransfer.setData(DRAG_TYPE, type);
            e.dataTransfer.effectAllowed = 'move';
          }}
          onClick={() => onAdd(type)}
        >
          {t(`wf.type.${type}`)}
        </Button>
      ))}
    </nav>
  );
}
