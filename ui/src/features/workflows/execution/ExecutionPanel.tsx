// One execution, live: its status and actions, its nodes, the selected node's input and output,
// and its log. Used in the execution history drawer and by the designer canvas.
import { Divider, Flex } from 'antd';
import { useState } from 'react';
import { ErrorState } from '../../../common/ErrorState';
import { Loading } from '../../../common/Loading';
import { useT } from '../../../i18n';
import { ExecutionLogList } from './ExecutionLogList';
import { ExecutionNodeTable } from './ExecutionNodeTable';
import { ExecutionSummary } from './ExecutionSummary';
import { NodeDetail } from './NodeDetail';
import { useExecution } from './useExecution';

export interface ExecutionPanelProps {
  executionId: string;
  /** Controlled selection (the canvas selects nodes too); the panel keeps its own otherwise. */
  selectedNodeId?: string;
  onSelectNode?: (nodeId: string) => void;
  onRetried?: (newExecutionId: string) => void;
}

export default function ExecutionPanel({ executionId, selectedNodeId, onSelectNode, onRetried }: ExecutionPanelProps): React.JSX.Element {
  const t = useT();
  const { execution, live, loading, error, refetch } = useExecution(executionId);
  const [picked, setPicked] = useState<string>();
  const selected = selectedNodeId ?? picked;

  const select = (nodeId: string) => {
    setPicked(nodeId);
    onSelectNode?.(nodeId);
  };

  // One element throughout, so whoever holds on to the panel keeps it as it loads.
  return (
    <div data-testid="execution-panel" data-execution-id={executionId}>
      {execution ? (
        <Flex vertical gap={16}>
          <ExecutionSummary execution={execution} live={live} onChanged={refetch} onRetried={onRetried} />
          <ExecutionNodeTable nodes={execution.nodes} selectedNodeId={selected} onSelect={select} />
          <NodeDetail node={execution.nodes.find((n) => n.nodeId === selected)} />
          <Divider style={{ margin: 0 }} />
          <ExecutionLogList logs={execution.logs} />
        </Flex>
      ) : error && !loading ? (
        <ErrorState error={error} title={t('wfx.loadFailed')} onRetry={refetch} />
      ) : (
        <Loading tip={t('wfx.loading')} minHeight={200} />
      )}
    </div>
  );
}
