// Scales, ticks and paths for the dashboard's SVG line chart, in plain TypeScript (tested without a
// DOM): "nice" value ticks (1, 2, 2.5 or 5 times a power of ten), time ticks on round instants,
// value formatting per unit, and line paths that break at gaps (null values).
import type { Point, Unit } from './liveMetrics';

export interface Ticks {
  min: number;
  max: number;
  step: number;
  ticks: number[];
}

const NICE = [1, 2, 2.5, 5, 10];

/** A round step near `span / count`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (NICE.find((n) => fraction <= n) ?? 10) * power;
}

/**
 * Value ticks covering [min, max] with about `count` intervals. Zero is kept in view for
 * non-negative data (rates, counts, durations start from nothing); a flat series gets a span
 * around its value so the line sits inside the chart.
 */
export function niceTicks(dataMin: number, dataMax: number, count = 4): Ticks {
  let lo = Number.isFinite(dataMin) ? dataMin : 0;
  let hi = Number.isFinite(dataMax) ? dataMax : 1;
  if (lo >= 0) lo = 0;
  if (hi <= lo) hi = lo === 0 ? 1 : lo + Math.abs(lo);
  const step = niceStep(hi - lo, count);
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = min; v <= max + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { min, max, step, ticks };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY,
];

/**
 * Instants for the time axis between `from` and `to`: the smallest round step giving at most
 * `maxTicks` ticks, aligned to the step in local time (whole minutes, whole hours, midnight).
 */
export function timeTicks(from: number, to: number, maxTicks = 6): { step: number; ticks: number[] } {
  const span = Math.max(1, to - from);
  const step = TIME_STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / DAY) * DAY;
  // Align in local time: offset by the zone's difference from UTC (days and hours read as the user's).
  const offset = new Date(from).getTimezoneOffset() * MINUTE;
  const first = Math.ceil((from - offset) / step) * step + offset;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += step) ticks.push(t);
  return { step, ticks };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A time tick's label: seconds only when the step needs them, the date once the step is a day or the span crosses days. */
export function formatTimeTick(t: number, step: number, span: number): string {
  const d = new Date(t);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (step < MINUTE) return `${hm}:${pad(d.getSeconds())}`;
  const md = `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (step >= DAY) return md;
  if (span > DAY) return `${md} ${hm}`;
  return hm;
}

/** A number in at most 3 significant digits after the point, with k/M/G for large values. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${trim(v / 1e9)}G`;
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  return trim(v);
}

function trim(v: number): string {
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return String(Number(v.toFixed(digits)));
}

/** Bytes as B, KiB, MiB, GiB. */
export function formatBytes(v: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let x = v;
  let i = 0;
  while (Math.abs(x) >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${trim(x)} ${units[i]}`;
}

/** A value with its unit, for ticks, tooltips and KPI cards (the unit suffix is language-neutral). */
export function formatValue(v: number | null | undefined, unit: Unit): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 'bytes':
      return formatBytes(v);
    case 'percent':
      return `${trim(v)} %`;
    case 'ms':
      return v >= 10_000 ? `${trim(v / 1000)} s` : `${trim(v)} ms`;
    case 'perSecond':
      return `${compact(v)}/s`;
    default:
      return compact(v);
  }
}

export interface Scale {
  (v: number): number;
}

export function linear(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v: number) => r0 + (v - d0) * k;
}

/** An SVG path through the points; a null value lifts the pen, so gaps stay gaps. */
export function linePath(points: readonly Point[], x: Scale, y: Scale): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p.v === null || !Number.isFinite(p.v)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${round(x(p.t))},${round(y(p.v))}`;
    pen = true;
  }
  return d;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The smallest and largest measured values across lines (NaN when none). */
export function extent(lines: readonly { points: readonly Point[] }[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of lines) {
    for (const p of l.points) {
      if (p.v === null || !Number.isFinite(p.v)) continue;
      lo = Math.min(lo, p.v);
      hi = Math.max(hi, p.v);
    }
  }
  return lo === Infinity ? [NaN, NaN] : [lo, hi];
}

/** The index of the point nearest to time `t` (points sorted by time), or -1. */
export function nearestIndex(points: readonly Point[], t: number): number {
  if (!points.length) return -1;
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(points[lo - 1]!.t - t) <= Math.abs(points[lo]!.t - t)) return lo - 1;
  return lo;
}
