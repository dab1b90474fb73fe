// Presentation rules shared by the execution views: status colours, durations, JSON.
import type { Translate } from '../../../i18n';

/** antd Tag colours per execution status. */
export const EXECUTION_COLOR: Record<string, string> = {
  queued: 'default',
  running: 'processing',
  completed: 'success',
  failed: 'error',
  cancelled: 'warning',
};

/** antd Tag colours per node status. */
export const NODE_COLOR: Record<string, string> = {
  pending: 'default',
  running: 'processing',
  succeeded: 'success',
  failed: 'error',
  skipped: 'default',
  cancelled: 'warning',
};

/** antd Tag colours per log level. */
export const LEVEL_COLOR: Record<string, string> = {
  error: 'error',
  warn: 'warning',
  warning: 'warning',
  info: 'processing',
  debug: 'default',
};

/** Milliseconds as `850 ms`, `12.4 s` or `3 min 5 s`; an em dash when unknown. */
export function formatDuration(t: Translate, ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return t('wfx.ms', { ms: Math.max(0, Math.round(ms)) });
  if (ms < 60_000) return t('wfx.seconds', { s: (ms / 1000).toFixed(1) });
  const total = Math.round(ms / 1000);
  return t('wfx.minutes', { m: Math.floor(total / 60), s: total % 60 });
}

/** A local date-time, or an em dash. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** A log line's time of day with milliseconds. */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Indented JSON for a node's input or output. */
export function prettyJson(value: unknown): string {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
