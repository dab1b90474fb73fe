// The history section's choices, in plain TypeScript: ranges, the intervals the server accepts
// (docs/monitoring.md), which intervals a range allows (at most 5,000 buckets, aligned to the
// interval from the Unix epoch) and a sensible default, the documented series with their units,
// and the answer turned into chart lines (null averages stay gaps).
import type { MetricHistoryApiResponse } from '../../api/generated';
import type { LiveChart, Point, Unit } from './liveMetrics';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const INTERVALS = [
  { key: '1m', ms: MINUTE },
  { key: '5m', ms: 5 * MINUTE },
  { key: '15m', ms: 15 * MINUTE },
  { key: '30m', ms: 30 * MINUTE },
  { key: '1h', ms: HOUR },
  { key: '6h', ms: 6 * HOUR },
  { key: '12h', ms: 12 * HOUR },
  { key: '1d', ms: DAY },
  { key: '7d', ms: 7 * DAY },
] as const;

export type IntervalKey = (typeof INTERVALS)[number]['key'];

export const MAX_BUCKETS = 5000;
/** The default interval is the finest one giving at most this many points: readable lines. */
const TARGET_POINTS = 200;

export const RANGES = [
  { key: '1h', ms: HOUR },
  { key: '6h', ms: 6 * HOUR },
  { key: '24h', ms: DAY },
  { key: '7d', ms: 7 * DAY },
  { key: 'custom', ms: 0 },
] as const;

export type RangeKey = (typeof RANGES)[number]['key'];

/** Buckets an answer holds for [from, to) with this interval (buckets aligned to the epoch). */
export function bucketCount(from: number, to: number, intervalMs: number): number {
  if (!(to > from)) return 0;
  return Math.ceil(to / intervalMs) - Math.floor(from / intervalMs);
}

export function allowedIntervals(from: number, to: number): IntervalKey[] {
  return INTERVALS.filter((i) => bucketCount(from, to, i.ms) <= MAX_BUCKETS).map((i) => i.key);
}

export function defaultInterval(from: number, to: number): IntervalKey {
  const allowed = INTERVALS.filter((i) => bucketCount(from, to, i.ms) <= MAX_BUCKETS);
  const pick = allowed.find((i) => bucketCount(from, to, i.ms) <= TARGET_POINTS) ?? allowed.at(-1) ?? INTERVALS.at(-1)!;
  return pick.key;
}

/** Keeps `current` when the range allows it, else the range's default. */
export function fitInterval(current: IntervalKey, from: number, to: number): IntervalKey {
  return allowedIntervals(from, to).includes(current) ? current : defaultInterval(from, to);
}

/** The window a preset range means now; a custom range is given by the user. */
export function presetWindow(range: Exclude<RangeKey, 'custom'>, now = Date.now()): { from: number; to: number } {
  const ms = RANGES.find((r) => r.key === range)!.ms;
  return { from: now - ms, to: now };
}

/** Every series the history endpoint knows, with the unit its values are in. */
export const HISTORY_SERIES: readonly { name: string; unit: Unit }[] = [
  { name: 'api.request.count', unit: 'count' },
  { name: 'api.request.rate', unit: 'perSecond' },
  { name: 'api.request.errors', unit: 'count' },
  { name: 'api.error.rate', unit: 'percent' },
  { name: 'api.request.avgDuration', unit: 'ms' },
  { name: 'query.count', unit: 'count' },
  { name: 'query.avgDuration', unit: 'ms' },
  { name: 'query.rows', unit: 'count' },
  { name: 'query.errors', unit: 'count' },
  { name: 'query.error.rate', unit: 'percent' },
  { name: 'workflow.execution.count', unit: 'count' },
  { name: 'workflow.execution.failed', unit: 'count' },
  { name: 'workflow.execution.avgDuration', unit: 'ms' },
  { name: 'workflow.failure.rate', unit: 'percent' },
  { name: 'cache.hit', unit: 'count' },
  { name: 'cache.miss', unit: 'count' },
];

/** The live gauges an alert rule may watch besides the history series. */
export const GAUGE_SERIES: readonly { name: string; unit: Unit }[] = [
  { name: 'system.cpu.usage', unit: 'percent' },
  { name: 'system.memory.usage', unit: 'percent' },
  { name: 'process.rss', unit: 'bytes' },
];

export const DEFAULT_HISTORY_SERIES = ['api.request.count', 'query.count', 'query.avgDuration', 'workflow.execution.count'];

export const unitOf = (name: string): Unit =>
  [...HISTORY_SERIES, ...GAUGE_SERIES].find((s) => s.name === name)?.unit ?? 'count';

type HistoryData = NonNullable<MetricHistoryApiResponse['data']>;

/** One chart per unit (counts, rates, durations, percentages never share an axis). */
export function historyCharts(data: HistoryData | undefined): LiveChart[] {
  if (!data) return [];
  const byUnit = new Map<Unit, LiveChart>();
  for (const series of data.series) {
    const unit = unitOf(series.name);
    const chart = byUnit.get(unit) ?? { name: unit, unit, lines: [] };
    const points: Point[] = series.dataPoints.map((p) => ({
      t: Date.parse(p.timestamp),
      v: typeof p.value === 'number' && Number.isFinite(p.value) ? p.value : null,
    }));
    chart.lines.push({ key: series.name, points });
    byUnit.set(unit, chart);
  }
  return [...byUnit.values()];
}
