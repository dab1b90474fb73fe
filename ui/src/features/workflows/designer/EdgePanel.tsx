// The selected edge: when it is taken (a condition allowed for its source) and a delete button.
import { Button, Typography } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import { useT } from '../../../i18n';
import { allowedConditions, removeElements, setEdgeCondition, type EdgeCondition, type WorkflowEdge } from '../model/types';
import type { Problem } from '../model/validation';
import { Field, NativeSelect } from './fields';
import { ProblemList } from './NodePanel';
import type { Designer } from './useDesigner';

export function EdgePanel({ designer, edge, readOnly, problems }: { designer: Designer; edge: WorkflowEdge; readOnly: boolean; problems: Problem[] }) {
  const t = useT();
  const nodes = designer.definition.nodes;
  const from = nodes.find((n) => n.id === edge.from);
  const to = nodes.find((n) => n.id === edge.to);
  const allowed = from ? allowedConditions(from.type) : [];
  // A condition the source does not allow is still shown, so it can be changed.
  const choices = allowed.includes(edge.condition) ? allowed : [...allowed, edge.condition];
  return (
    <div data-testid="wf-panel" aria-label={t('wf.panel.edge')}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t('wf.edge.title')} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{edge.id}</Typography.Text>
      </Typography.Title>
      <Typography.Paragraph>
        {from?.name ?? edge.from} → {to?.name ?? edge.to}
      </Typography.Paragraph>
      <ProblemList problems={problems} testId="wf-edge-problem-list" />
      <Field label={t('wf.connect.condition')}>
        <NativeSelect
          testId="edge-condition-select"
          label={t('wf.connect.condition')}
          value={edge.condition ?? ''}
          disabled={readOnly}
          options={choices.map((c) => ({ value: c ?? '', label: c ?? t('wf.edge.always') }))}
          onChange={(v) => designer.change((d) => setEdgeCondition(d, edge.id, (v || null) as EdgeCondition | null))}
        />
      </Field>
      {!readOnly && (
        <Button
          danger
          block
          icon={<DeleteOutlined />}
          data-testid="wf-edge-delete"
          onClick={() => {
            designer.change((d) => removeElements(d, [], [edge.id]));
            designer.select({ nodes: [] });
          }}
        >
          {t('wf.edge.delete')}
        </Button>
      )}
    </div>
  );
}
