// `/monitoring`: the live dashboard (KPI cards and 5-minute charts fed by `/ws/metrics` while the
// page is open) and the history section (rollups from the store, any range).
import { AlertOutlined } from '@ant-design/icons';
import { Button, Card, Col, Row, Typography } from 'antd';
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { PageHeader } from '../../common/PageHeader';
import { useT, type Translate } from '../../i18n';
import { ChartCard } from './ChartCard';
import { compact, formatValue } from './chartScale';
import { ConnectionBadge } from './ConnectionBadge';
import { HistorySection } from './HistorySection';
import { deriveLive, hasPoints, type KpiName, type LiveView, type Unit } from './liveMetrics';
import { seriesLabel } from './seriesLabel';
import { useBatches, useLiveFeed } from './useLiveFeed';

interface KpiSpec {
  name: string;
  value: KpiName;
  unit: Unit;
  /** A second, smaller reading under the value. */
  sub?: { value: KpiName; unit: Unit; label: string };
}

const KPIS: KpiSpec[] = [
  { name: 'requests', value: 'requests', unit: 'count', sub: { value: 'requestRate', unit: 'perSecond', label: 'mon.kpi.rate' } },
  { name: 'latency', value: 'latencyP95', unit: 'ms' },
  { name: 'queries', value: 'queries', unit: 'count', sub: { value: 'queryErrors', unit: 'count', label: 'mon.kpi.errors' } },
  { name: 'workflows', value: 'workflows', unit: 'count', sub: { value: 'workflowFailures', unit: 'count', label: 'mon.kpi.failures' } },
  { name: 'cpu', value: 'cpu', unit: 'percent' },
  { name: 'memory', value: 'memory', unit: 'percent', sub: { value: 'rss', unit: 'bytes', label: 'mon.kpi.rss' } },
  { name: 'pool', value: 'poolActive', unit: 'count' },
  { name: 'cache', value: 'cacheHitRatio', unit: 'percent' },
];

/** Totals are shown exactly (grouped digits); other readings with their unit. */
function kpiText(value: number, unit: Unit): string {
  return unit === 'count' ? (Number.isInteger(value) ? value.toLocaleString('en-US') : compact(value)) : formatValue(value, unit);
}

function KpiCards({ view, t }: { view: LiveView; t: Translate }) {
  return (
    <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
      {KPIS.map((k) => {
        const value = view.kpis[k.value];
        const sub = k.sub ? view.kpis[k.sub.value] : undefined;
        return (
          <Col key={k.name} xs={12} md={8} xl={6} xxl={3}>
            <Card size="small" data-testid={`mon-kpi-${k.name}`} style={{ height: '100%' }}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t(`mon.kpi.${k.name}`)}
              </Typography.Text>
              <div style={{ fontSize: 22, fontWeight: 600, lineHeight: 1.4 }} data-testid={`mon-kpi-${k.name}-value`} data-value={value ?? ''}>
                {value === undefined ? <Typography.Text type="secondary">{t('mon.kpi.none')}</Typography.Text> : kpiText(value, k.unit)}
              </div>
              {k.sub && sub !== undefined && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(k.sub.label, { value: kpiText(sub, k.sub.unit) })}
                </Typography.Text>
              )}
            </Card>
          </Col>
        );
      })}
    </Row>
  );
}

export default function DashboardPage() {
  const t = useT();
  const feed = useLiveFeed();
  const batches = useBatches(feed.buffer);
  const view = useMemo(() => deriveLive(batches), [batches]);

  return (
    <>
      <PageHeader
        title={t('mon.title')}
        subtitle={t('mon.subtitle')}
        extra={
          <>
            <ConnectionBadge state={feed.state} lastClose={feed.lastClose} onReconnect={feed.reconnect} />
            <Link to="/monitoring/alerts">
              <Button icon={<AlertOutlined />}>{t('mon.toAlerts')}</Button>
            </Link>
          </>
        }
      />
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t('mon.live.title')}
      </Typography.Title>
      <KpiCards view={view} t={t} />
      <Row gutter={[12, 12]}>
        {view.charts.map((c) => (
          <Col key={c.name} xs={24} lg={12}>
            <ChartCard
              testId={`mon-chart-${c.name}`}
              title={t(`mon.chart.${c.name}`)}
              unit={c.unit}
              from={view.from}
              to={view.to}
              empty={!hasPoints(c)}
              lines={c.lines.map((l) => ({ key: l.key, label: seriesLabel(t, l.key), points: l.points }))}
            />
          </Col>
        ))}
      </Row>
      <HistorySection />
    </>
  );
}
