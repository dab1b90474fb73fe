import { describe, expect, it } from 'vitest';
import { allowedIntervals, bucketCount, defaultInterval, fitInterval, historyCharts, presetWindow } from './historyRange';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-01-01T12:34:56Z');

describe('intervals per range', () => {
  it('counts buckets aligned to the epoch', () => {
    expect(bucketCount(0, HOUR, 60_000)).toBe(60);
    expect(bucketCount(30_000, HOUR + 30_000, 60_000)).toBe(61);
    expect(bucketCount(5, 5, 60_000)).toBe(0);
  });

  it('picks a readable default for each preset', () => {
    const pick = (r: '1h' | '6h' | '24h' | '7d') => {
      const w = presetWindow(r, NOW);
      return defaultInterval(w.from, w.to);
    };
    expect(pick('1h')).toBe('1m');
    expect(pick('6h')).toBe('5m');
    expect(pick('24h')).toBe('15m');
    expect(pick('7d')).toBe('1h');
  });

  it('offers only intervals giving at most 5,000 buckets', () => {
    expect(allowedIntervals(NOW - HOUR, NOW)).toContain('1m');
    expect(allowedIntervals(NOW - 7 * DAY, NOW)).not.toContain('1m');
    expect(allowedIntervals(NOW - 7 * DAY, NOW)).toContain('5m');
    // A year in hours is 8,760 buckets: too many.
    expect(allowedIntervals(NOW - 365 * DAY, NOW)).toEqual(['6h', '12h', '1d', '7d']);
    expect(defaultInterval(NOW - 365 * DAY, NOW)).toBe('7d');
  });

  it('keeps the chosen interval when the new range allows it', () => {
    expect(fitInterval('5m', NOW - DAY, NOW)).toBe('5m');
    expect(fitInterval('1m', NOW - 30 * DAY, NOW)).toBe(defaultInterval(NOW - 30 * DAY, NOW));
  });
});

describe('historyCharts', () => {
  it('groups series by unit and keeps null averages as gaps', () => {
    const charts = historyCharts({
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-01T00:02:00Z',
      interval: '1m',
      series: [
        { name: 'query.count', dataPoints: [{ timestamp: '2026-01-01T00:00:00Z', value: 0 }, { timestamp: '2026-01-01T00:01:00Z', value: 3 }] },
        { name: 'query.avgDuration', dataPoints: [{ timestamp: '2026-01-01T00:00:00Z', value: null }, { timestamp: '2026-01-01T00:01:00Z', value: 12 }] },
        { name: 'api.request.count', dataPoints: [{ timestamp: '2026-01-01T00:00:00Z', value: 1 }, { timestamp: '2026-01-01T00:01:00Z' }] },
      ],
    });
    expect(charts.map((c) => c.unit)).toEqual(['count', 'ms']);
    expect(charts[0]!.lines.map((l) => l.key)).toEqual(['query.count', 'api.request.count']);
    expect(charts[0]!.lines[0]!.points.map((p) => p.v)).toEqual([0, 3]);
    expect(charts[0]!.lines[1]!.points.map((p) => p.v)).toEqual([1, null]);
    expect(charts[1]!.lines[0]!.points.map((p) => p.v)).toEqual([null, 12]);
    expect(historyCharts(undefined)).toEqual([]);
  });
});
