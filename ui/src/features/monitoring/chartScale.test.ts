import { describe, expect, it } from 'vitest';
import { compact, extent, formatBytes, formatTimeTick, formatValue, linear, linePath, nearestIndex, niceStep, niceTicks, timeTicks } from './chartScale';

describe('niceTicks', () => {
  it('picks round steps and covers the data from zero', () => {
    expect(niceTicks(3, 87, 4)).toEqual({ min: 0, max: 100, step: 25, ticks: [0, 25, 50, 75, 100] });
    expect(niceTicks(0, 0.37, 4).ticks).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceStep(1234, 4)).toBe(500);
    expect(niceStep(0, 4)).toBe(1);
  });

  it('keeps negative data, and gives flat or missing data a span', () => {
    expect(niceTicks(-7, 12, 4).ticks).toEqual([-10, -5, 0, 5, 10, 15]);
    expect(niceTicks(0, 0).ticks.at(-1)).toBeGreaterThan(0);
    expect(niceTicks(NaN, NaN).ticks).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});

describe('time ticks', () => {
  it('uses round steps, at most the number asked for, aligned to the step', () => {
    const from = Date.parse('2026-01-01T12:00:07Z');
    const { step, ticks } = timeTicks(from, from + 5 * 60_000, 6);
    expect(step).toBe(60_000);
    expect(ticks).toHaveLength(5);
    for (const t of ticks) expect(new Date(t).getSeconds()).toBe(0);
    expect(timeTicks(from, from + 7 * 86_400_000, 7).step).toBe(86_400_000);
  });

  it('labels with seconds, times, or dates as the step needs', () => {
    const t = new Date(2026, 0, 2, 9, 5, 30).getTime();
    expect(formatTimeTick(t, 15_000, 300_000)).toBe('09:05:30');
    expect(formatTimeTick(t, 60_000, 3_600_000)).toBe('09:05');
    expect(formatTimeTick(t, 3_600_000, 3 * 86_400_000)).toBe('01-02 09:05');
    expect(formatTimeTick(t, 86_400_000, 7 * 86_400_000)).toBe('01-02');
  });
});

describe('formatting', () => {
  it('formats by unit', () => {
    expect(formatValue(12.345, 'ms')).toBe('12.3 ms');
    expect(formatValue(1.234, 'ms')).toBe('1.23 ms');
    expect(formatValue(12_500, 'ms')).toBe('12.5 s');
    expect(formatValue(45.5, 'percent')).toBe('45.5 %');
    expect(formatValue(25_000, 'perSecond')).toBe('25k/s');
    expect(formatValue(3 * 1024 * 1024, 'bytes')).toBe('3 MiB');
    expect(formatValue(null, 'count')).toBe('—');
    expect(compact(1_500_000)).toBe('1.5M');
    expect(formatBytes(512)).toBe('512 B');
  });
});

describe('paths', () => {
  const x = linear([0, 10], [0, 100]);
  const y = linear([0, 1], [50, 0]);

  it('maps domains to ranges', () => {
    expect(x(5)).toBe(50);
    expect(y(1)).toBe(0);
    expect(linear([3, 3], [0, 10])(3)).toBe(0);
  });

  it('lifts the pen at gaps', () => {
    const points = [
      { t: 0, v: 0 },
      { t: 1, v: 1 },
      { t: 2, v: null },
      { t: 3, v: 0.5 },
      { t: 4, v: 0.5 },
    ];
    expect(linePath(points, x, y)).toBe('M0,50L10,0M30,25L40,25');
    expect(linePath([{ t: 0, v: null }], x, y)).toBe('');
  });

  it('finds extents and the nearest point', () => {
    expect(extent([{ points: [{ t: 0, v: null }, { t: 1, v: 3 }] }, { points: [{ t: 0, v: -1 }] }])).toEqual([-1, 3]);
    expect(extent([{ points: [{ t: 0, v: null }] }]).every(Number.isNaN)).toBe(true);
    const pts = [0, 10, 20, 30].map((t) => ({ t, v: 1 }));
    expect(nearestIndex(pts, 14)).toBe(1);
    expect(nearestIndex(pts, 16)).toBe(2);
    expect(nearestIndex(pts, 99)).toBe(3);
    expect(nearestIndex([], 1)).toBe(-1);
  });
});
