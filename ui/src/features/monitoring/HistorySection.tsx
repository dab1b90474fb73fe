// The dashboard's history: a range (last hour … 7 days, or custom), an interval the range allows
// (≤ 5,000 buckets), the series to show, and one chart per unit from the store's rollups.
import { ReloadOutlined } from '@ant-design/icons';
import { Button, Col, DatePicker, Flex, Row, Segmented, Select, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useMetricHistoryQuery } from '../../api/generated';
import { EmptyState } from '../../common/EmptyState';
import { ErrorState } from '../../common/ErrorState';
import { Loading } from '../../common/Loading';
import { useT } from '../../i18n';
import { ChartCard } from './ChartCard';
import { hasPoints } from './liveMetrics';
import {
  allowedIntervals,
  DEFAULT_HISTORY_SERIES,
  defaultInterval,
  fitInterval,
  HISTORY_SERIES,
  historyCharts,
  presetWindow,
  RANGES,
  type IntervalKey,
  type RangeKey,
} from './historyRange';
import { seriesLabel } from './seriesLabel';

interface Window {
  from: number;
  to: number;
}

export function HistorySection() {
  const t = useT();
  const [range, setRange] = useState<RangeKey>('1h');
  const [win, setWin] = useState<Window>(() => presetWindow('1h'));
  const [interval, setIntervalKey] = useState<IntervalKey>(() => defaultInterval(win.from, win.to));
  const [names, setNames] = useState<string[]>(DEFAULT_HISTORY_SERIES);

  const choose = (next: Window, keepInterval = true) => {
    setWin(next);
    setIntervalKey((current) => (keepInterval ? fitInterval(current, next.from, next.to) : defaultInterval(next.from, next.to)));
  };
  const allowed = useMemo(() => allowedIntervals(win.from, win.to), [win]);
  const history = useMetricHistoryQuery(
    { from: new Date(win.from).toISOString(), to: new Date(win.to).toISOString(), interval, names: names.join(',') },
    { skip: names.length === 0 },
  );
  const charts = useMemo(() => {
    return historyCharts(history.data?.data);
  }, [history.data]);
  const from = history.data?.data ? Date.parse(history.data.data.from) : win.from;
  const to = history.data?.data ? Date.parse(history.data.data.to) : win.to;

  return (
    <section aria-label={t('mon.history.title')} style={{ marginTop: 28 }}>
      <Typography.Title level={5}>{t('mon.history.title')}</Typography.Title>
      <Flex gap={12} wrap align="center" style={{ marginBottom: 12 }}>
        <Segmented<RangeKey>
          data-testid="mon-history-range"
          aria-label={t('mon.history.range')}
          value={range}
          options={RANGES.map((r) => ({ value: r.key, label: t(`mon.range.${r.key}`) }))}
          onChange={(next) => {
            setRange(next);
            if (next !== 'custom') choose(presetWindow(next), false);
          }}
        />
        {range === 'custom' && (
          <DatePicker.RangePicker
            showTime
            aria-label={t('mon.history.custom')}
            data-testid="mon-history-custom"
            onChange={(dates) => {
              const a = dates?.[0]?.valueOf();
              const b = dates?.[1]?.valueOf();
              if (a !== undefined && b !== undefined && b > a) choose({ from: a, to: b });
            }}
          />
        )}
        <Select<IntervalKey>
          data-testid="mon-history-interval"
          aria-label={t('mon.history.interval')}
          style={{ width: 130 }}
          value={interval}
          onChange={setIntervalKey}
          options={allowed.map((k) => ({ value: k, label: t(`mon.interval.${k}`) }))}
        />
        <Select<string[]>
          mode="multiple"
          data-testid="mon-history-series"
          aria-label={t('mon.history.series')}
          placeholder={t('mon.history.series')}
          style={{ minWidth: 320, flex: 1 }}
          maxTagCount="responsive"
          value={names}
          onChange={setNames}
          options={HISTORY_SERIES.map((s) => ({ value: s.name, label: seriesLabel(t, s.name) }))}
        />
        {range !== 'custom' && (
          <Button icon={<ReloadOutlined />} aria-label={t('mon.history.refresh')} onClick={() => choose(presetWindow(range))}>
            {t('mon.history.refresh')}
          </Button>
        )}
      </Flex>
      <div data-testid="mon-history-chart" data-loading={history.isFetching ? 'true' : 'false'}>
        {names.length === 0 ? (
          <EmptyState description={t('mon.history.pickSeries')} />
        ) : history.error ? (
          <ErrorState error={history.error} onRetry={() => void history.refetch()} />
        ) : history.isLoading ? (
          <Loading />
        ) : (
          <Row gutter={[12, 12]}>
            {charts.map((c) => (
              <Col key={c.name} xs={24} lg={charts.length > 1 ? 12 : 24}>
                <ChartCard
                  testId={`mon-history-chart-${c.unit}`}
                  title={t(`mon.unit.${c.unit}`)}
                  unit={c.unit}
                  from={from}
                  to={to}
                  empty={!hasPoints(c)}
                  lines={c.lines.map((l) => ({ key: l.key, label: seriesLabel(t, l.key), points: l.points }))}
                />
              </Col>
            ))}
          </Row>
        )}
      </div>
    </section>
  );
}
