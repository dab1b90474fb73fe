// `/monitoring/alerts`: rules firing now as banners, the rules (create, edit, enable, delete with
// `alerts:write`), and the fired/resolved history. The global RealtimeNotifier refreshes both lists
// when an `alert` message arrives, so the page follows the server live.
import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Popconfirm, Select, Space, Switch, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useAlertEventsQuery, useDeleteRuleMutation, useListRulesQuery, useUpdateRuleMutation } from '../../api/generated';
import { notify } from '../../app/notify';
import { EmptyState } from '../../common/EmptyState';
import { ErrorState } from '../../common/ErrorState';
import { PageHeader } from '../../common/PageHeader';
import { PermissionGate, usePermission } from '../../common/PermissionGate';
import { useT, type Translate } from '../../i18n';
import { conditionParts, formToInput, ruleToForm, SEVERITY_COLOR, type AlertEvent, type Rule } from './alertRules';
import { formatValue } from './chartScale';
import { unitOf } from './historyRange';
import { RuleFormModal } from './RuleFormModal';

export function conditionText(t: Translate, rule: Pick<Rule, 'comparison' | 'threshold' | 'windowMinutes'>): string {
  return t('mon.alerts.condition', conditionParts(rule));
}

function StateTag({ rule, t }: { rule: Rule; t: Translate }) {
  const firing = rule.state === 'firing';
  return (
    <Tag color={firing ? 'error' : 'success'} data-testid={`alert-state-${rule.id}`} data-state={rule.state}>
      {t(firing ? 'mon.state.firing' : 'mon.state.ok')}
    </Tag>
  );
}

function ActiveAlerts({ rules, t }: { rules: Rule[]; t: Translate }) {
  const firing = rules.filter((r) => r.state === 'firing');
  if (!firing.length) return null;
  return (
    <Flex vertical gap={8} style={{ marginBottom: 16 }} aria-label={t('mon.alerts.active')}>
      {firing.map((r) => (
        <Alert
          key={r.id}
          data-testid={`alert-active-${r.id}`}
          type={r.severity === 'critical' ? 'error' : r.severity === 'info' ? 'info' : 'warning'}
          showIcon
          title={t('mon.alerts.activeTitle', { name: r.name, severity: t(`mon.severity.${r.severity}`) })}
          description={t('mon.alerts.activeBody', {
            metric: r.metric,
            value: r.lastValue === null || r.lastValue === undefined ? '—' : formatValue(r.lastValue, unitOf(r.metric)),
            condition: conditionText(t, r),
            since: r.changedAt ? new Date(r.changedAt).toLocaleString() : '—',
          })}
        />
      ))}
    </Flex>
  );
}

function EventsCard({ rules, t }: { rules: Rule[]; t: Translate }) {
  const [ruleId, setRuleId] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const events = useAlertEventsQuery({ ruleId, page, pageSize });
  const data = events.data?.data;
  const columns: TableColumnsType<AlertEvent> = [
    { key: 'time', title: t('mon.events.time'), dataIndex: 'createdAt', width: 190, render: (d: string) => new Date(d).toLocaleString() },
    {
      key: 'state',
      title: t('mon.events.state'),
      dataIndex: 'state',
      width: 110,
      render: (s: string) => (
        <Tag color={s === 'firing' ? 'error' : 'success'} data-state={s}>
          {t(s === 'firing' ? 'mon.events.fired' : 'mon.events.resolved')}
        </Tag>
      ),
    },
    { key: 'rule', title: t('mon.events.rule'), dataIndex: 'ruleName', width: 180 },
    { key: 'value', title: t('mon.events.value'), dataIndex: 'value', width: 120, align: 'right', render: (v?: number | null) => (v === null || v === undefined ? '—' : String(v)) },
    { key: 'message', title: t('mon.events.message'), dataIndex: 'message', ellipsis: true },
  ];
  return (
    <Card
      title={t('mon.events.title')}
      style={{ marginTop: 16 }}
      extra={
        <Select
          allowClear
          aria-label={t('mon.events.filter')}
          placeholder={t('mon.events.filter')}
          data-testid="alert-events-filter"
          style={{ width: 220 }}
          value={ruleId}
          onChange={(v?: string) => {
            setRuleId(v);
            setPage(1);
          }}
          options={rules.map((r) => ({ value: r.id, label: r.name }))}
        />
      }
      styles={{ body: { padding: 0 } }}
    >
      {events.error && !data ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} />
      ) : (
        <Table<AlertEvent>
          rowKey="id"
          data-testid="alert-events"
          size="small"
          columns={columns}
          dataSource={data?.items ?? []}
          loading={events.isFetching}
          locale={{ emptyText: events.isLoading ? ' ' : <EmptyState description={t(ruleId ? 'mon.events.emptyRule' : 'mon.events.empty')} /> }}
          pagination={{
            current: data?.page ?? page,
            pageSize: data?.pageSize ?? pageSize,
            total: data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('mon.events.total', { n: total }),
            onChange: (p, size) => {
              setPage(size !== pageSize ? 1 : p);
              setPageSize(size);
            },
          }}
        />
      )}
    </Card>
  );
}

export default function AlertsPage() {
  const t = useT();
  const canWrite = usePermission('alerts:write');
  const list = useListRulesQuery();
  const [deleteRule] = useDeleteRuleMutation();
  const [updateRule] = useUpdateRuleMutation();
  const [editing, setEditing] = useState<Rule | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const rules = list.data?.data ?? [];

  const remove = async (rule: Rule) => {
    try {
      await deleteRule({ id: rule.id }).unwrap();
      notify({ level: 'success', title: t('mon.alerts.deleted', { name: rule.name }) });
    } catch {
      // the API client has already said why
    }
  };
  const toggle = async (rule: Rule, enabled: boolean) => {
    try {
      await updateRule({ id: rule.id, ruleInput: formToInput({ ...ruleToForm(rule), enabled }) }).unwrap();
    } catch {
      // shown by the API client; the switch keeps the server's value
    }
  };

  const columns: TableColumnsType<Rule> = [
    {
      key: 'name',
      title: t('mon.alerts.field.name'),
      dataIndex: 'name',
      render: (name: string, r) => (
        <Flex vertical>
          <strong>{name}</strong>
          {r.description && (
            <Typography.Text type="secondary" ellipsis style={{ maxWidth: 280, fontSize: 12 }}>
              {r.description}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    { key: 'metric', title: t('mon.alerts.field.metric'), dataIndex: 'metric', render: (m: string) => <Typography.Text code>{m}</Typography.Text> },
    { key: 'condition', title: t('mon.alerts.col.condition'), render: (_, r) => <span data-testid={`alert-condition-${r.id}`}>{conditionText(t, r)}</span> },
    {
      key: 'severity',
      title: t('mon.alerts.field.severity'),
      dataIndex: 'severity',
      width: 110,
      render: (s: string) => <Tag color={SEVERITY_COLOR[s] ?? 'default'}>{t(`mon.severity.${s}`)}</Tag>,
    },
    {
      key: 'state',
      title: t('mon.alerts.col.state'),
      width: 130,
      render: (_, r) => (
        <Tooltip title={r.lastValue === null || r.lastValue === undefined ? undefined : t('mon.alerts.lastValue', { value: formatValue(r.lastValue, unitOf(r.metric)) })}>
          <span>
            <StateTag rule={r} t={t} />
          </span>
        </Tooltip>
      ),
    },
    {
      key: 'enabled',
      title: t('mon.alerts.field.enabled'),
      width: 100,
      render: (_, r) => (
        <Switch
          size="small"
          checked={r.enabled}
          disabled={!canWrite}
          aria-label={t('mon.alerts.toggle', { name: r.name })}
          data-testid={`alert-enabled-${r.id}`}
          onChange={(v) => void toggle(r, v)}
        />
      ),
    },
    ...(canWrite
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            width: 150,
            render: (_: unknown, r: Rule) => (
              <Space size={4}>
                <Button
                  type="link"
                  size="small"
                  data-testid={`alert-edit-${r.id}`}
                  onClick={() => {
                    setEditing(r);
                    setFormOpen(true);
                  }}
                >
                  {t('common.edit')}
                </Button>
                <Popconfirm
                  title={t('common.confirmDelete', { name: r.name })}
                  okText={t('common.delete')}
                  okButtonProps={{ danger: true, 'data-testid': 'alert-delete-confirm' } as never}
                  cancelText={t('common.cancel')}
                  onConfirm={() => remove(r)}
                >
                  <Button type="link" size="small" danger data-testid={`alert-delete-${r.id}`}>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title={t('mon.alerts.title')}
        subtitle={t('mon.alerts.subtitle')}
        extra={
          <PermissionGate permissions="alerts:write">
            <Button
              type="primary"
              icon={<PlusOutlined />}
              data-testid="alert-new"
              onClick={() => {
                setEditing(null);
                setFormOpen(true);
              }}
            >
              {t('mon.alerts.create')}
            </Button>
          </PermissionGate>
        }
      />
      <ActiveAlerts rules={rules} t={t} />
      <Card title={t('mon.alerts.rules')} styles={{ body: { padding: 0 } }}>
        {list.isError && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<Rule>
            rowKey="id"
            data-testid="alert-rules"
            columns={columns}
            dataSource={rules}
            loading={list.isFetching}
            pagination={false}
            locale={{
              emptyText: list.isLoading ? ' ' : (
                <EmptyState
                  description={t('mon.alerts.empty')}
                  action={
                    <PermissionGate permissions="alerts:write">
                      <Button
                        type="primary"
                        onClick={() => {
                          setEditing(null);
                          setFormOpen(true);
                        }}
                      >
                        {t('mon.alerts.create')}
                      </Button>
                    </PermissionGate>
                  }
                />
              ),
            }}
          />
        )}
      </Card>
      <EventsCard rules={rules} t={t} />
      <RuleFormModal open={formOpen} rule={editing} onClose={() => setFormOpen(false)} />
    </>
  );
}
