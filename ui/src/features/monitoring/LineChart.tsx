// A small dependency-free SVG line chart: several series over a time axis, nice value ticks with
// the unit, a legend, a crosshair with every series' value under the pointer, the container's width
// (ResizeObserver), colours from antd's theme tokens so it reads in light and dark mode. Scales and
// paths come from chartScale.ts; gaps (null values) lift the pen.
import { Flex, theme, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { Point, Unit } from './liveMetrics';
import { extent, formatTimeTick, formatValue, linear, linePath, nearestIndex, niceTicks, timeTicks } from './chartScale';

export interface ChartLine {
  key: string;
  label: string;
  points: readonly Point[];
}

export interface LineChartProps {
  lines: readonly ChartLine[];
  unit: Unit;
  from: number;
  to: number;
  height?: number;
  /** The chart's accessible name. */
  label: string;
}

const MARGIN = { top: 10, right: 12, bottom: 24, left: 58 };

function useWidth(fallback = 560) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (el.clientWidth > 0) setWidth(el.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w && w > 0) setWidth(Math.round(w));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

export function LineChart({ lines, unit, from, to, height = 200, label }: LineChartProps) {
  const { token } = theme.useToken();
  const [ref, width] = useWidth();
  const [hoverT, setHoverT] = useState<number | null>(null);
  const palette = [token.colorPrimary, token.colorWarning, token.colorError, token.colorSuccess, token['purple-6'], token['cyan-6']];
  const innerW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const innerH = Math.max(10, height - MARGIN.top - MARGIN.bottom);

  const geometry = useMemo(() => {
    const [lo, hi] = extent(lines);
    const yTicks = niceTicks(lo, hi, 4);
    const x = linear([from, to], [MARGIN.left, MARGIN.left + innerW]);
    const y = linear([yTicks.min, yTicks.max], [MARGIN.top + innerH, MARGIN.top]);
    const time = timeTicks(from, to, Math.max(2, Math.floor(innerW / 90)));
    return { yTicks, x, y, time };
  }, [lines, from, to, innerW, innerH]);
  const { yTicks, x, y, time } = geometry;

  const onMove = (e: MouseEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const px = e.clientX - box.left;
    if (px < MARGIN.left || px > MARGIN.left + innerW) return setHoverT(null);
    setHoverT(from + ((px - MARGIN.left) / innerW) * (to - from));
  };

  const hover =
    hoverT === null
      ? null
      : lines.map((l, i) => {
          const idx = nearestIndex(l.points, hoverT);
          return { line: l, color: palette[i % palette.length]!, point: idx >= 0 ? l.points[idx]! : null };
        });
  const hoverAt = hover?.find((h) => h.point)?.point?.t ?? null;

  return (
    <div ref={ref} style={{ position: 'relative', width: '100%' }}>
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={label}
        onMouseMove={onMove}
        onMouseLeave={() => setHoverT(null)}
        style={{ display: 'block', overflow: 'visible' }}
      >
        {yTicks.ticks.map((v) => (
          <g key={`y${v}`}>
            <line x1={MARGIN.left} x2={MARGIN.left + innerW} y1={y(v)} y2={y(v)} stroke={token.colorBorderSecondary} strokeWidth={1} />
            <text x={MARGIN.left - 6} y={y(v)} textAnchor="end" dominantBaseline="middle" fontSize={11} fill={token.colorTextSecondary}>
              {formatValue(v, unit)}
            </text>
          </g>
        ))}
        {time.ticks.map((t) => (
          <text key={`x${t}`} x={x(t)} y={MARGIN.top + innerH + 16} textAnchor="middle" fontSize={11} fill={token.colorTextSecondary}>
            {formatTimeTick(t, time.step, to - from)}
          </text>
        ))}
        <line x1={MARGIN.left} x2={MARGIN.left + innerW} y1={MARGIN.top + innerH} y2={MARGIN.top + innerH} stroke={token.colorBorder} />
        {lines.map((l, i) => (
          <path key={l.key} d={linePath(l.points, x, y)} fill="none" stroke={palette[i % palette.length]} strokeWidth={1.8} strokeLinejoin="round" />
        ))}
        {hoverAt !== null && (
          <g pointerEvents="none">
            <line x1={x(hoverAt)} x2={x(hoverAt)} y1={MARGIN.top} y2={MARGIN.top + innerH} stroke={token.colorTextTertiary} strokeDasharray="3 3" />
            {hover!.map((h) =>
              h.point && h.point.v !== null ? <circle key={h.line.key} cx={x(h.point.t)} cy={y(h.point.v)} r={3} fill={h.color} /> : null,
            )}
          </g>
        )}
      </svg>
      {hoverAt !== null && (
        <div
          role="tooltip"
          style={{
            position: 'absolute',
            top: 4,
            left: Math.min(Math.max(x(hoverAt) + 10, 0), Math.max(0, width - 200)),
            background: token.colorBgElevated,
            boxShadow: token.boxShadowSecondary,
            borderRadius: token.borderRadiusSM,
            padding: '6px 10px',
            fontSize: 12,
            pointerEvents: 'none',
            minWidth: 140,
          }}
        >
          <div style={{ color: token.colorTextSecondary }}>{new Date(hoverAt).toLocaleString()}</div>
          {hover!.map((h) => (
            <Flex key={h.line.key} justify="space-between" gap={12}>
              <span style={{ color: h.color }}>● {h.line.label}</span>
              <span>{formatValue(h.point?.v, unit)}</span>
            </Flex>
          ))}
        </div>
      )}
      <Flex gap={12} wrap style={{ marginTop: 4, paddingInlineStart: MARGIN.left }}>
        {lines.map((l, i) => (
          <Typography.Text key={l.key} style={{ fontSize: 12 }}>
            <span aria-hidden style={{ display: 'inline-block', width: 10, height: 3, background: palette[i % palette.length], marginInlineEnd: 6, verticalAlign: 'middle' }} />
            {l.label}
          </Typography.Text>
        ))}
      </Flex>
    </div>
  );
}

export default LineChart;
