import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deriveLive, gapLimit, hasPoints, LiveBuffer, rate, type Batch } from './liveMetrics';

const T0 = Date.parse('2026-01-01T12:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** Batches every 2 s, each given as { name: [values per tag set] }. */
function batches(...rows: Record<string, number[]>[]): Batch[] {
  return rows.map((r, i) => ({ t: T0 + i * 2000, values: new Map(Object.entries(r)) }));
}

describe('LiveBuffer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('groups messages by timestamp and tells listeners once per group', () => {
    const buffer = new LiveBuffer();
    const heard = vi.fn();
    buffer.subscribe(heard);
    buffer.add(at(0), { name: 'api.request.count', value: 3, tags: { endpoint: '/a' } });
    buffer.add(at(0), { name: 'api.request.count', value: 4, tags: { endpoint: '/b' } });
    buffer.add(at(2), { name: 'api.request.rate', value: 1.5 });
    expect(buffer.getSnapshot()).toEqual([]);
    vi.advanceTimersByTime(150);
    expect(heard).toHaveBeenCalledTimes(1);
    const snap = buffer.getSnapshot();
    expect(snap.map((b) => b.t)).toEqual([T0, T0 + 2000]);
    expect(snap[0]!.values.get('api.request.count')).toEqual([3, 4]);
  });

  it('keeps only the window behind the newest batch, and sorts late batches in', () => {
    const buffer = new LiveBuffer(60_000, 0);
    buffer.add(at(0), { name: 'x', value: 1 });
    buffer.add(at(30), { name: 'x', value: 2 });
    buffer.add(at(10), { name: 'x', value: 9 });
    buffer.add(at(61), { name: 'x', value: 3 });
    vi.advanceTimersByTime(0);
    expect(buffer.getSnapshot().map((b) => (b.t - T0) / 1000)).toEqual([10, 30, 61]);
    // The newest batch's time is where a reconnection resumes (`?since=`).
    expect(buffer.newest()).toBe(T0 + 61_000);
    expect(new LiveBuffer().newest()).toBeNull();
  });

  it('ignores malformed messages', () => {
    const buffer = new LiveBuffer(60_000, 0);
    buffer.add(undefined, { name: 'x', value: 1 });
    buffer.add('not a time', { name: 'x', value: 1 });
    buffer.add(at(0), { name: 'x', value: 'NaN' as unknown as number });
    buffer.add(at(0), null as never);
    vi.advanceTimersByTime(0);
    expect(buffer.getSnapshot()).toEqual([]);
  });

  it('a listener that unsubscribed hears nothing; clear() empties the window', () => {
    const buffer = new LiveBuffer(60_000, 0);
    const heard = vi.fn();
    const off = buffer.subscribe(heard);
    buffer.add(at(0), { name: 'x', value: 1 });
    vi.advanceTimersByTime(0);
    buffer.clear();
    expect(heard).toHaveBeenCalledTimes(2);
    expect(buffer.getSnapshot()).toEqual([]);
    off();
    buffer.add(at(2), { name: 'x', value: 1 });
    vi.advanceTimersByTime(0);
    expect(heard).toHaveBeenCalledTimes(2);
  });
});

describe('rate', () => {
  it('turns counter totals (summed over tag sets) into per-second increases', () => {
    const b = batches({ c: [10, 5] }, { c: [14, 7] }, { c: [20, 7] });
    expect(rate(b, 'c').map((p) => p.v)).toEqual([null, 3, 3]);
  });

  it('leaves gaps where a batch lacks the counter, across a restart and across a long pause', () => {
    const b = batches({ c: [10] }, {}, { c: [16] }, { c: [4] }, { c: [8] });
    expect(rate(b, 'c').map((p) => p.v)).toEqual([null, null, null, null, 2]);
    const paused: Batch[] = [
      { t: T0, values: new Map([['c', [0]]]) },
      { t: T0 + 2000, values: new Map([['c', [2]]]) },
      { t: T0 + 4000, values: new Map([['c', [4]]]) },
      { t: T0 + 64_000, values: new Map([['c', [100]]]) },
    ];
    expect(rate(paused, 'c').map((p) => p.v)).toEqual([null, 1, 1, null]);
  });

  it('a counter that appears mid-window is not counted as one huge increase', () => {
    const b = batches({ other: [1] }, { c: [500] }, { c: [502] });
    expect(rate(b, 'c').map((p) => p.v)).toEqual([null, null, 1]);
  });

  it('gapLimit is three usual steps, at least 5 s', () => {
    expect(gapLimit(batches({}, {}, {}))).toBe(6000);
    expect(gapLimit([])).toBe(5000);
    const slow: Batch[] = [0, 10_000, 20_000].map((t) => ({ t: T0 + t, values: new Map() }));
    expect(gapLimit(slow)).toBe(30_000);
  });
});

describe('deriveLive', () => {
  const feed = batches(
    { 'api.request.count': [100, 20], 'api.request.rate': [2], 'api.request.duration.p95': [12], 'system.cpu.usage': [30, 50], 'query.count': [4] },
    { 'api.request.count': [104, 20], 'api.request.rate': [2.5], 'system.cpu.usage': [35, 40], 'query.count': [8], 'cache.hit': [3], 'cache.miss': [1] },
  );

  it('reads the latest KPI values, summing tag sets for totals and taking the highest host reading', () => {
    const view = deriveLive(feed, 0);
    expect(view.kpis.requests).toBe(124);
    expect(view.kpis.requestRate).toBe(2.5);
    expect(view.kpis.latencyP95).toBe(12);
    expect(view.kpis.cpu).toBe(40);
    expect(view.kpis.queries).toBe(8);
    expect(view.kpis.cacheHitRatio).toBe(75);
    expect(view.kpis.memory).toBeUndefined();
    expect(deriveLive(batches({ 'cache.hit': [4] }), 0).kpis.cacheHitRatio).toBe(100);
    expect(deriveLive(batches({ 'cache.miss': [4] }), 0).kpis.cacheHitRatio).toBe(0);
  });

  it('ends the window at the newest batch (server time) and charts only series the feed carried', () => {
    const view = deriveLive(feed, 0);
    expect(view.to).toBe(T0 + 2000);
    expect(view.from).toBe(T0 + 2000 - 5 * 60_000);
    const byName = Object.fromEntries(view.charts.map((c) => [c.name, c]));
    expect(byName.latency!.lines.map((l) => l.key)).toEqual(['api.request.duration.p95']);
    expect(byName.latency!.lines[0]!.points.map((p) => p.v)).toEqual([12, null]);
    expect(byName.queryRate!.lines[0]!.points.map((p) => p.v)).toEqual([null, 2]);
    expect(byName.workflows!.lines).toEqual([]);
    expect(hasPoints(byName.workflows!)).toBe(false);
    expect(hasPoints(byName.requestRate!)).toBe(true);
  });

  it('has no KPI and empty charts before the first batch', () => {
    const view = deriveLive([], T0);
    expect(view.kpis).toEqual({});
    expect(view.to).toBe(T0);
    expect(view.charts.every((c) => !hasPoints(c))).toBe(true);
  });
});
