// The live feed's rolling window, in plain TypeScript. The server sends one `metric` message per
// series and tag set at each interval, all with the batch's timestamp (docs/monitoring.md), so
// messages are grouped by timestamp into batches; batches older than the window are dropped.
// `deriveLive` turns batches into the dashboard's chart points and KPI values: counters (totals
// since the instance started) become rates from one batch to the next; gauges and means are read.

export interface MetricMessageData {
  name: string;
  value: number;
  tags?: Record<string, string>;
}

export interface Batch {
  t: number;
  /** `name` → one value per tag set. */
  values: Map<string, number[]>;
}

export const WINDOW_MS = 5 * 60_000;

export class LiveBuffer {
  private batches: Batch[] = [];
  private listeners = new Set<() => void>();
  private pending: ReturnType<typeof setTimeout> | null = null;
  private snapshot: readonly Batch[] = [];

  constructor(
    private readonly windowMs = WINDOW_MS,
    private readonly notifyDelayMs = 150,
  ) {}

  add(timestamp: string | undefined, data: MetricMessageData): void {
    const t = timestamp ? Date.parse(timestamp) : NaN;
    if (!Number.isFinite(t) || typeof data?.name !== 'string' || typeof data.value !== 'number') return;
    let batch = this.batches.at(-1);
    if (!batch || batch.t !== t) {
      batch = this.batches.find((b) => b.t === t);
      if (!batch) {
        batch = { t, values: new Map() };
        this.batches.push(batch);
        this.batches.sort((a, b) => a.t - b.t);
        const newest = this.batches.at(-1)!.t;
        while (this.batches.length && this.batches[0]!.t < newest - this.windowMs) this.batches.shift();
      }
    }
    const list = batch.values.get(data.name);
    if (list) list.push(data.value);
    else batch.values.set(data.name, [data.value]);
    this.schedule();
  }

  /** The newest batch's time (ms since epoch), if any. */
  newest(): number | null {
    return this.batches.at(-1)?.t ?? null;
  }

  clear(): void {
    this.batches = [];
    this.snapshot = [];
    this.listeners.forEach((l) => l());
  }

  /** Many messages arrive per batch: listeners hear about them together. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.snapshot = this.batches.slice();
      this.listeners.forEach((l) => l());
    }, this.notifyDelayMs);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getSnapshot = (): readonly Batch[] => this.snapshot;

  /** Drops a pending notification (listeners unsubscribe themselves). */
  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
  }
}

export type Unit = 'perSecond' | 'ms' | 'percent' | 'count' | 'bytes';

export interface Point {
  t: number;
  v: number | null;
}

/** A chart: its lines, each a series of points (null = nothing measured → a gap). */
export interface LiveChart {
  name: string;
  lines: { key: string; points: Point[] }[];
  unit: Unit;
}

export interface LiveView {
  charts: LiveChart[];
  /** Latest values; absent when the feed has not carried the series. */
  kpis: Partial<Record<KpiName, number>>;
  from: number;
  to: number;
}

export type KpiName =
  | 'requestRate'
  | 'latencyP95'
  | 'requests'
  | 'queries'
  | 'queryErrors'
  | 'workflows'
  | 'workflowFailures'
  | 'cpu'
  | 'memory'
  | 'rss'
  | 'poolActive'
  | 'cacheHitRatio';

export const sum = (xs: number[] | undefined): number | null => (xs && xs.length ? xs.reduce((a, b) => a + b, 0) : null);
const mean = (xs: number[] | undefined): number | null => (xs && xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const max = (xs: number[] | undefined): number | null => (xs && xs.length ? Math.max(...xs) : null);

/**
 * The largest spacing between consecutive batches that still counts as one stretch of the feed:
 * three times the usual spacing (the push interval is configurable), at least 5 s. A longer pause
 * (the socket reconnected, the tab slept) is a gap in the lines, not a slope across it.
 */
export function gapLimit(batches: readonly Batch[]): number {
  const steps = batches.slice(1).map((b, i) => b.t - batches[i]!.t).sort((a, b) => a - b);
  const median = steps.length ? steps[Math.floor(steps.length / 2)]! : 0;
  return Math.max(5_000, median * 3);
}

/**
 * A counter's increase per second between consecutive batches. Null (a gap) for the first batch,
 * across a pause longer than `gapLimit`, where either batch lacks the counter, and across a restart
 * (the total went down).
 */
export function rate(batches: readonly Batch[], name: string, limit = gapLimit(batches)): Point[] {
  return batches.map((b, i) => {
    const prev = batches[i - 1];
    const now = sum(b.values.get(name));
    const before = prev ? sum(prev.values.get(name)) : null;
    if (!prev || now === null || before === null) return { t: b.t, v: null };
    const dt = b.t - prev.t;
    const delta = now - before;
    return { t: b.t, v: dt > 0 && dt <= limit && delta >= 0 ? delta / (dt / 1000) : null };
  });
}

export function read(batches: readonly Batch[], name: string, combine: (xs: number[] | undefined) => number | null): Point[] {
  return batches.map((b) => ({ t: b.t, v: combine(b.values.get(name)) }));
}

function latest(batches: readonly Batch[], name: string, combine: (xs: number[] | undefined) => number | null): number | undefined {
  for (let i = batches.length - 1; i >= 0; i--) {
    const v = combine(batches[i]!.values.get(name));
    if (v !== null) return v;
  }
  return undefined;
}

const carried = (batches: readonly Batch[], names: string[]) => batches.some((b) => names.some((n) => b.values.has(n)));

export function deriveLive(batches: readonly Batch[], now = Date.now(), windowMs = WINDOW_MS): LiveView {
  // The server's clock stamps the batches: the window ends at the newest one, so a client clock
  // that runs ahead or behind does not push the lines off the chart.
  const to = batches.at(-1)?.t ?? now;
  const from = to - windowMs;
  const chart = (name: string, unit: LiveChart['unit'], lines: [string, Point[]][]): LiveChart => ({
    name,
    unit,
    lines: lines.map(([key, points]) => ({ key, points })),
  });
  const charts: LiveChart[] = [
    chart('requestRate', 'perSecond', [['api.request.rate', read(batches, 'api.request.rate', sum)]]),
    chart('latency', 'ms', [
      ['api.request.duration.p50', read(batches, 'api.request.duration.p50', max)],
      ['api.request.duration.p95', read(batches, 'api.request.duration.p95', max)],
      ['api.request.duration.p99', read(batches, 'api.request.duration.p99', max)],
    ]),
    chart('queryRate', 'perSecond', [
      ['query.count', rate(batches, 'query.count')],
      ['query.errors', rate(batches, 'query.errors')],
    ]),
    // The mean of the datasources' means (the feed carries no per-datasource count for weights).
    chart('queryDuration', 'ms', [['query.avgDuration', read(batches, 'query.avgDuration', mean)]]),
    chart('workflows', 'perSecond', [
      ['workflow.execution.count', rate(batches, 'workflow.execution.count')],
      ['workflow.execution.failed', rate(batches, 'workflow.execution.failed')],
    ]),
    chart('system', 'percent', [
      ['system.cpu.usage', read(batches, 'system.cpu.usage', max)],
      ['system.memory.usage', read(batches, 'system.memory.usage', max)],
    ]),
    chart('rss', 'bytes', [['process.rss', read(batches, 'process.rss', sum)]]),
    chart('cache', 'perSecond', [
      ['cache.hit', rate(batches, 'cache.hit')],
      ['cache.miss', rate(batches, 'cache.miss')],
    ]),
    chart('pool', 'count', [
      ['datasource.pool.active', read(batches, 'datasource.pool.active', sum)],
      ['datasource.pool.idle', read(batches, 'datasource.pool.idle', sum)],
    ]),
  ];
  // Only the series the feed carried in the window get a line (and a legend entry); a chart with
  // none, or with nothing measured yet, shows its "no data yet" state.
  const charted = charts.map((c) => ({ ...c, lines: c.lines.filter((l) => carried(batches, [l.key])) }));

  const kpis: LiveView['kpis'] = {};
  const set = (k: KpiName, v: number | undefined) => {
    if (v !== undefined && Number.isFinite(v)) kpis[k] = v;
  };
  set('requestRate', latest(batches, 'api.request.rate', sum));
  set('latencyP95', latest(batches, 'api.request.duration.p95', max));
  set('requests', latest(batches, 'api.request.count', sum));
  set('queries', latest(batches, 'query.count', sum));
  set('queryErrors', latest(batches, 'query.errors', sum));
  set('workflows', latest(batches, 'workflow.execution.count', sum));
  set('workflowFailures', latest(batches, 'workflow.execution.failed', sum));
  set('cpu', latest(batches, 'system.cpu.usage', max));
  set('memory', latest(batches, 'system.memory.usage', max));
  set('rss', latest(batches, 'process.rss', sum));
  set('poolActive', latest(batches, 'datasource.pool.active', sum));
  const hit = latest(batches, 'cache.hit', sum);
  const miss = latest(batches, 'cache.miss', sum);
  // A counter appears once first counted: hits without a miss yet are 100 %.
  if (hit !== undefined || miss !== undefined) {
    const lookups = (hit ?? 0) + (miss ?? 0);
    if (lookups > 0) set('cacheHitRatio', ((hit ?? 0) / lookups) * 100);
  }
  return { charts: charted, kpis, from, to };
}

/** Whether a chart has at least one measured point to draw. */
export const hasPoints = (chart: Pick<LiveChart, 'lines'>): boolean => chart.lines.some((l) => l.points.some((p) => p.v !== null));
