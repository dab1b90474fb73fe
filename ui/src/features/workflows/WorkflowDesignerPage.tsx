// The workflow designer (routes `/workflows/new` and `/workflows/:id`; `?version=n` shows an older
// version read-only): a palette, the canvas, the side panel of the selection or of the workflow,
// and the actions of the top bar (save, publish, validate, undo/redo, layout, run, versions).
import { Alert, Badge, Button, Input, Space, Tag, Tooltip, Typography } from 'antd';
import {
  ApartmentOutlined,
  CheckCircleOutlined,
  CloudUploadOutlined,
  HistoryOutlined,
  PlayCircleOutlined,
  RedoOutlined,
  SaveOutlined,
  StopOutlined,
  UndoOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import {
  useCreateWorkflowMutation,
  useGetWorkflowQuery,
  usePublishMutation,
  useUnpublishMutation,
  useUpdateWorkflowMutation,
  useValidateWorkflowMutation,
} from '../../api/generated';
import { isApiError } from '../../api/errors';
import { notify } from '../../app/notify';
import { ErrorState } from '../../common/ErrorState';
import { Loading } from '../../common/Loading';
import { PermissionGate, usePermission } from '../../common/PermissionGate';
import { useT } from '../../i18n';
import ExecutionPanel from './execution/ExecutionPanel';
import { useExecution } from './execution/useExecution';
import { Canvas } from './designer/Canvas';
import { EdgePanel } from './designer/EdgePanel';
import { NodePanel, problemText } from './designer/NodePanel';
import { Palette } from './designer/Palette';
import { RunModal } from './designer/RunModal';
import { SecretModal } from './designer/SecretModal';
import { SettingsPanel } from './designer/SettingsPanel';
import { useDesigner } from './designer/useDesigner';
import { useLeaveGuard } from './designer/useLeaveGuard';
import { VersionsDrawer } from './designer/VersionsDrawer';
import './designer/designer.css';
import { applyLayout } from './model/layout';
import {
  addNode,
  createNode,
  definitionOf,
  emptyDefinition,
  freePosition,
  toRequestBody,
  type CreatedWorkflow,
  type Definition,
  type NodeType,
  type Position,
  type SavedWorkflow,
  type ServerProblem,
} from './model/types';
import { problemsFor, serverProblems, validateDefinition, type Problem } from './model/validation';

export default function WorkflowDesignerPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const versionParam = params.get('version');
  const version = versionParam && /^\d+$/.test(versionParam) ? Number(versionParam) : undefined;
  const workflow = useGetWorkflowQuery({ id: id ?? '', version }, { skip: !id });
  const saved = (workflow.data as { data?: SavedWorkflow } | undefined)?.data;

  if (id && workflow.isLoading) return <Loading />;
  if (id && (workflow.error || !saved)) return <ErrorState error={workflow.error} onRetry={workflow.refetch} />;
  return (
    <ReactFlowProvider>
      <DesignerView key={`${id ?? 'new'}:${version ?? 'latest'}`} workflowId={id} saved={saved} viewingVersion={version} />
    </ReactFlowProvider>
  );
}

interface ViewProps {
  workflowId?: string;
  saved?: SavedWorkflow;
  viewingVersion?: number;
}

function DesignerView({ workflowId, saved, viewingVersion }: ViewProps) {
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const canWrite = usePermission('workflow:write');
  const readOnly = viewingVersion !== undefined || !canWrite;
  const initial = useMemo<Definition>(() => (saved ? definitionOf(saved) : emptyDefinition(t('wf.untitled'))), []); // eslint-disable-line react-hooks/exhaustive-deps
  const designer = useDesigner(initial);
  const def = designer.definition;
  const flow = useReactFlow();
  const guard = useLeaveGuard(designer.dirty && !readOnly);

  const [server, setServer] = useState<Problem[]>([]);
  const [secret, setSecret] = useState<string | null>(() => (location.state as { signingSecret?: string } | null)?.signingSecret ?? null);
  const [runOpen, setRunOpen] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [executionId, setExecutionId] = useState<string | undefined>();
  const execution = useExecution(executionId);

  const [create, creating] = useCreateWorkflowMutation();
  const [update, updating] = useUpdateWorkflowMutation();
  const [validate, validating] = useValidateWorkflowMutation();
  const [publish, publishing] = usePublishMutation();
  const [unpublish, unpublishing] = useUnpublishMutation();

  // The secret travels in the navigation state once; drop it so a reload does not show it again.
  useEffect(() => {
    if ((location.state as { signingSecret?: string } | null)?.signingSecret) navigate(location.pathname + location.search, { replace: true, state: null });
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const client = useMemo(() => validateDefinition(def), [def]);
  const problems = useMemo(() => [...server, ...client], [server, client]);
  const problemCounts = useMemo(() => {
    const counts: Record<string, number> = {};
    for (const p of problems) if (p.target.kind === 'node') counts[p.target.id] = (counts[p.target.id] ?? 0) + 1;
    return counts;
  }, [problems]);

  const selectedNode = designer.selection.nodes.length === 1 ? def.nodes.find((n) => n.id === designer.selection.nodes[0]) : undefined;
  const selectedEdge = designer.selection.edge ? def.edges.find((e) => e.id === designer.selection.edge) : undefined;

  const addAt = (type: NodeType, position?: Position) => {
    const node = createNode(def, type, `${t(`wf.type.${type}`)} ${def.nodes.length + 1}`, position ?? freePosition(def, selectedNode?.position));
    designer.change((d) => addNode(d, node));
    designer.select({ nodes: [node.id] });
  };

  const takeServerProblems = (error: unknown, sent: Definition) => {
    if (isApiError(error) && error.errors.length) setServer(serverProblems(sent, error.errors as ServerProblem[]));
  };

  const save = async () => {
    const sent = def;
    const body = toRequestBody(sent);
    try {
      if (!workflowId) {
        const answer = await create({ body }).unwrap();
        const created = (answer as { data?: CreatedWorkflow }).data;
        designer.markSaved();
        setServer([]);
        notify({ level: 'success', title: t('wf.saved') });
        if (created) {
          guard.allowNext();
          navigate(`/workflows/${created.id}`, { state: { signingSecret: created.signingSecret } });
        }
      } else {
        await update({ id: workflowId, body }).unwrap();
        designer.markSaved();
        setServer([]);
        notify({ level: 'success', title: t('wf.saved') });
      }
    } catch (error) {
      takeServerProblems(error, sent);
    }
  };

  const runValidation = async () => {
    const sent = def;
    try {
      const answer = await validate({ body: toRequestBody(sent) }).unwrap();
      const data = answer.data as { valid: boolean; errors: ServerProblem[] } | undefined;
      setServer(serverProblems(sent, data?.errors ?? []));
      if (data?.valid) notify({ level: 'success', title: t('wf.valid') });
    } catch (error) {
      takeServerProblems(error, sent);
    }
  };

  const status = saved?.status ?? 'draft';
  const workflowProblems = problemsFor(problems, { kind: 'workflow' });

  return (
    <div className="wf-designer" data-testid="wf-designer">
      <Space wrap style={{ marginBottom: 8, justifyContent: 'space-between', width: '100%' }}>
        <Space wrap>
          <Button type="text" icon={<UnorderedListOutlined />} aria-label={t('wf.backToList')} onClick={() => navigate('/workflows')} />
          <Input
            data-testid="wf-name"
            aria-label={t('wf.name')}
            value={def.name}
            disabled={readOnly}
            style={{ width: 260, fontWeight: 600 }}
            onChange={(e) => designer.change((d) => ({ ...d, name: e.target.value }), 'name')}
          />
          <Tag color={status === 'published' ? 'green' : 'default'} data-testid="wf-status">
            {t(`wf.status.${status}`)}
          </Tag>
          {saved && <Tag>{t('wf.versionTag', { n: saved.version })}</Tag>}
          {designer.dirty && !readOnly && <Typography.Text type="warning">{t('wf.unsaved')}</Typography.Text>}
          {problems.length > 0 && (
            <Tooltip title={problems.slice(0, 8).map((p) => problemText(t, p)).join('\n')}>
              <Badge count={problems.length} data-testid="wf-problem-count">
                <Tag color="error">{t('wf.problems.label')}</Tag>
              </Badge>
            </Tooltip>
          )}
        </Space>
        <Space wrap>
          {!readOnly && (
            <>
              <Tooltip title={t('wf.undo')}>
                <Button icon={<UndoOutlined />} aria-label={t('wf.undo')} data-testid="wf-undo" disabled={!designer.canUndo} onClick={designer.undo} />
              </Tooltip>
              <Tooltip title={t('wf.redo')}>
                <Button icon={<RedoOutlined />} aria-label={t('wf.redo')} data-testid="wf-redo" disabled={!designer.canRedo} onClick={designer.redo} />
              </Tooltip>
              <Button icon={<ApartmentOutlined />} data-testid="wf-layout" onClick={() => {
                  designer.change(applyLayout);
                  // Once React Flow has the new positions, the laid-out graph is brought into view.
                  requestAnimationFrame(() => void flow.fitView({ padding: 0.15, duration: 200 }));
                }}
              >
                {t('wf.layout')}
              </Button>
              <PermissionGate permissions="workflow:write">
                <Button icon={<CheckCircleOutlined />} data-testid="wf-validate" loading={validating.isLoading} onClick={runValidation}>
                  {t('wf.validate')}
                </Button>
                <Button type="primary" icon={<SaveOutlined />} data-testid="wf-save" loading={creating.isLoading || updating.isLoading} onClick={save}>
                  {t('wf.save')}
                </Button>
              </PermissionGate>
            </>
          )}
          {workflowId && viewingVersion === undefined && (
            <PermissionGate permissions="workflow:write">
              {status === 'published' ? (
                <Button icon={<StopOutlined />} data-testid="wf-unpublish" loading={unpublishing.isLoading} onClick={() => unpublish({ id: workflowId })}>
                  {t('wf.unpublish')}
                </Button>
              ) : (
                <Tooltip title={designer.dirty ? t('wf.publishSaveFirst') : undefined}>
                  <Button
                    icon={<CloudUploadOutlined />}
                    data-testid="wf-publish"
                    disabled={designer.dirty}
                    loading={publishing.isLoading}
                    onClick={() => publish({ id: workflowId, body: {} })}
                  >
                    {t('wf.publish')}
                  </Button>
                </Tooltip>
              )}
            </PermissionGate>
          )}
          {workflowId && (
            <PermissionGate permissions="workflow:execute">
              <Button icon={<PlayCircleOutlined />} data-testid="wf-run" onClick={() => setRunOpen(true)}>
                {t('wf.run')}
              </Button>
            </PermissionGate>
          )}
          {workflowId && (
            <>
              <Button icon={<HistoryOutlined />} data-testid="wf-versions" onClick={() => setVersionsOpen(true)}>
                {t('wf.versions')}
              </Button>
              <Link to={`/workflows/${workflowId}/executions`} data-testid="wf-executions-link">
                {t('wf.executions')}
              </Link>
            </>
          )}
        </Space>
      </Space>
      {viewingVersion !== undefined && (
        <Alert
          type="info"
          showIcon
          data-testid="wf-readonly-banner"
          style={{ marginBottom: 8 }}
          title={t('wf.readOnlyVersion', { n: viewingVersion })}
          action={
            <Button size="small" onClick={() => navigate(`/workflows/${workflowId}`)}>
              {t('wf.versions.latest')}
            </Button>
          }
        />
      )}
      {viewingVersion === undefined && !canWrite && <Alert type="info" showIcon style={{ marginBottom: 8 }} title={t('wf.readOnlyPermission')} />}
      <div className="wf-body">
        {!readOnly && <Palette onAdd={(type) => addAt(type)} />}
        <Canvas
          designer={designer}
          readOnly={readOnly}
          status={execution.nodeStatus}
          problemCounts={problemCounts}
          onAdd={(type, position) => addAt(type, position)}
          fitKey={executionId ?? ''}
        />
        <aside className="wf-side">
          {selectedNode ? (
            <NodePanel key={selectedNode.id} designer={designer} node={selectedNode} readOnly={readOnly} problems={problemsFor(problems, { kind: 'node', id: selectedNode.id })} />
          ) : selectedEdge ? (
            <EdgePanel designer={designer} edge={selectedEdge} readOnly={readOnly} problems={problemsFor(problems, { kind: 'edge', id: selectedEdge.id })} />
          ) : (
            <SettingsPanel designer={designer} readOnly={readOnly} problems={problems} workflowId={workflowId} onSecret={setSecret} />
          )}
          {(selectedNode || selectedEdge) && workflowProblems.length > 0 && (
            <Typography.Paragraph type="danger" style={{ marginTop: 12 }}>
              {t('wf.problems.workflowHint', { n: workflowProblems.length })}
            </Typography.Paragraph>
          )}
        </aside>
      </div>
      {executionId && (
        <div className="wf-execution" data-testid="wf-execution">
          <ExecutionPanel
            executionId={executionId}
            selectedNodeId={designer.selection.nodes[0]}
            onSelectNode={(nodeId) => designer.select({ nodes: [nodeId] })}
            onRetried={setExecutionId}
          />
        </div>
      )}
      {workflowId && (
        <RunModal workflowId={workflowId} variables={def.variables} unsaved={designer.dirty} open={runOpen} onClose={() => setRunOpen(false)} onStarted={setExecutionId} />
      )}
      {workflowId && (
        <VersionsDrawer
          workflowId={workflowId}
          open={versionsOpen}
          current={viewingVersion}
          onClose={() => setVersionsOpen(false)}
          onOpenVersion={(v) => {
            setVersionsOpen(false);
            navigate(v === null ? `/workflows/${workflowId}` : `/workflows/${workflowId}?version=${v}`);
          }}
        />
      )}
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
    </div>
  );
}
