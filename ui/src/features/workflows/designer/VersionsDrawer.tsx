// The version history: open one read-only (`?version=n`) or compare two.
import { Alert, Button, Drawer, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useGetWorkflowQuery, useVersionsQuery } from '../../../api/generated';
import { EmptyState } from '../../../common/EmptyState';
import { ErrorState } from '../../../common/ErrorState';
import { Loading } from '../../../common/Loading';
import { useT } from '../../../i18n';
import { diffDefinitions, isEmptyDiff, type SectionDiff } from '../model/diff';
import { definitionOf, type SavedWorkflow, type VersionSummary } from '../model/types';

export function VersionsDrawer(props: { workflowId: string; open: boolean; onClose: () => void; onOpenVersion: (version: number | null) => void; current?: number }) {
  const t = useT();
  const versions = useVersionsQuery({ id: props.workflowId }, { skip: !props.open });
  const list = ((versions.data as { data?: VersionSummary[] } | undefined)?.data ?? []) as VersionSummary[];
  const [picked, setPicked] = useState<number[]>([]);
  const toggle = (v: number) => setPicked((p) => (p.includes(v) ? p.filter((x) => x !== v) : [...p, v].slice(-2)));
  const [a, b] = [...picked].sort((x, y) => x - y);

  return (
    <Drawer open={props.open} onClose={props.onClose} title={t('wf.versions.title')} size={560} data-testid="wf-versions-drawer">
      {versions.isLoading ? (
        <Loading />
      ) : versions.error ? (
        <ErrorState error={versions.error} onRetry={versions.refetch} />
      ) : list.length === 0 ? (
        <EmptyState description={t('wf.versions.empty')} />
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('wf.versions.hint')}</Typography.Paragraph>
          <List
            size="small"
            dataSource={list}
            renderItem={(v) => (
              <List.Item
                data-testid={`wf-version-${v.version}`}
                actions={[
                  <Button key="open" size="small" data-testid={`wf-version-open-${v.version}`} onClick={() => props.onOpenVersion(v.version)}>
                    {t('wf.versions.open')}
                  </Button>,
                  <Button key="cmp" size="small" type={picked.includes(v.version) ? 'primary' : 'default'} data-testid={`wf-version-pick-${v.version}`} onClick={() => toggle(v.version)}>
                    {t('wf.versions.pick')}
                  </Button>,
                ]}
              >
                <Space>
                  <Typography.Text strong>v{v.version}</Typography.Text>
                  {v.published && <Tag color="green">{t('wf.status.published')}</Tag>}
                  {props.current === v.version && <Tag>{t('wf.versions.shown')}</Tag>}
                  <Typography.Text type="secondary">{new Date(v.createdAt).toLocaleString()}</Typography.Text>
                </Space>
              </List.Item>
            )}
          />
          {props.current !== undefined && (
            <Button type="link" onClick={() => props.onOpenVersion(null)}>
              {t('wf.versions.latest')}
            </Button>
          )}
          {a !== undefined && b !== undefined && <Compare workflowId={props.workflowId} a={a} b={b} />}
        </>
      )}
    </Drawer>
  );
}

function Compare({ workflowId, a, b }: { workflowId: string; a: number; b: number }) {
  const t = useT();
  const left = useGetWorkflowQuery({ id: workflowId, version: a });
  const right = useGetWorkflowQuery({ id: workflowId, version: b });
  if (left.isLoading || right.isLoading) return <Loading minHeight={80} />;
  if (left.error || right.error) return <ErrorState error={left.error ?? right.error} />;
  const l = (left.data as { data?: SavedWorkflow } | undefined)?.data;
  const r = (right.data as { data?: SavedWorkflow } | undefined)?.data;
  if (!l || !r) return null;
  const diff = diffDefinitions(definitionOf(l), definitionOf(r));
  const section = (name: string, d: SectionDiff) => (
    <div key={name} style={{ marginBottom: 8 }}>
      <Typography.Text strong>{t(`wf.diff.${name}`)}</Typography.Text>{' '}
      {d.added.map((x) => (
        <Tag key={`+${x}`} color="green">
          + {x}
        </Tag>
      ))}
      {d.removed.map((x) => (
        <Tag key={`-${x}`} color="red">
          − {x}
        </Tag>
      ))}
      {d.changed.map((x) => (
        <Tag key={`~${x}`} color="blue">
          ~ {x}
        </Tag>
      ))}
      {!d.added.length && !d.removed.length && !d.changed.length && <Typography.Text type="secondary">{t('wf.diff.none')}</Typography.Text>}
    </div>
  );
  return (
    <div data-testid="wf-diff" style={{ marginTop: 16 }}>
      <Typography.Title level={5}>{t('wf.diff.title', { a, b })}</Typography.Title>
      {isEmptyDiff(diff) ? <Alert type="info" title={t('wf.diff.same')} /> : (['nodes', 'edges', 'variables', 'triggers'] as const).map((k) => section(k, diff[k]))}
      <div style={{ display: 'flex', gap: 8, marginTop: 8 }}>
        {[l, r].map((w) => (
          <pre key={w.version} style={{ flex: 1, minWidth: 0, maxHeight: 320, overflow: 'auto', fontSize: 11, background: 'rgba(0,0,0,0.03)', padding: 8, margin: 0 }}>
            {`v${w.version}\n${JSON.stringify(definitionOf(w), null, 2)}`}
          </pre>
        ))}
      </div>
    </div>
  );
}
