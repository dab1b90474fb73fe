// Alert rules and realtime messages, in plain TypeScript: the rule's condition as text, form values
// to the API's RuleInput, the `alert` and `notification` messages of `/ws` read defensively
// (docs/monitoring.md), the notification level for each, and a de-duplicator for repeats.
import type { AlertEventsApiResponse, ListRulesApiResponse, RuleInput } from '../../api/generated';
import type { Level } from '../../app/notify';
import { GAUGE_SERIES, HISTORY_SERIES } from './historyRange';

export type Rule = NonNullable<ListRulesApiResponse['data']>[number];
export type AlertEvent = NonNullable<AlertEventsApiResponse['data']>['items'][number];

export const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const;
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Every metric a rule may watch: the history series, then the live gauges. */
export const ALERT_METRICS: readonly string[] = [...HISTORY_SERIES.map((s) => s.name), ...GAUGE_SERIES.map((s) => s.name)];

export const SEVERITY_COLOR: Record<string, string> = { info: 'blue', warning: 'orange', critical: 'red' };

/** The numbers of a condition: `> 5` and the window, for `> 5 over 5 min` (the words are translated). */
export function conditionParts(rule: Pick<Rule, 'comparison' | 'threshold' | 'windowMinutes'>): { op: string; threshold: string; minutes: number } {
  return { op: rule.comparison, threshold: String(rule.threshold), minutes: rule.windowMinutes };
}

export interface RuleFormValues {
  name: string;
  metric: string;
  comparison: string;
  threshold: number | null;
  windowMinutes: number | null;
  severity: string;
  enabled: boolean;
  description?: string | null;
}

export const NEW_RULE: RuleFormValues = {
  name: '',
  metric: 'api.error.rate',
  comparison: '>',
  threshold: 5,
  windowMinutes: 5,
  severity: 'warning',
  enabled: true,
  description: '',
};

export function ruleToForm(rule: Rule): RuleFormValues {
  return {
    name: rule.name,
    metric: rule.metric,
    comparison: rule.comparison,
    threshold: rule.threshold,
    windowMinutes: rule.windowMinutes,
    severity: rule.severity,
    enabled: rule.enabled,
    description: rule.description ?? '',
  };
}

/** What the form sends: names trimmed, an empty description as null (the server checks the rest). */
export function formToInput(values: RuleFormValues): RuleInput {
  const description = values.description?.trim();
  return {
    name: values.name.trim(),
    metric: values.metric.trim(),
    comparison: values.comparison,
    threshold: values.threshold,
    windowMinutes: values.windowMinutes,
    severity: values.severity,
    enabled: values.enabled,
    description: description ? description : null,
  };
}

export interface AlertMessage {
  id: string;
  ruleId: string;
  name: string;
  metric: string;
  comparison: string;
  threshold: number;
  windowMinutes: number;
  value: number | null;
  severity: string;
  state: 'firing' | 'ok' | 'resolved';
  message: string;
}

export interface NotificationMessage {
  level: 'success' | 'warning' | 'error' | 'info';
  title: string;
  message: string;
  link: string | null;
  /** Where the studio shows what the notification is about (a workflow execution), if anywhere. */
  studioPath: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** An `alert` message's data, or null when it lacks what a notification needs. */
export function parseAlert(data: unknown): AlertMessage | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  const ruleId = str(d.ruleId);
  const state = str(d.state);
  if (!ruleId || (state !== 'firing' && state !== 'ok' && state !== 'resolved')) return null;
  return {
    id: str(d.id) ?? `${ruleId}:${state}:${str(d.timestamp) ?? ''}`,
    ruleId,
    name: str(d.name) ?? ruleId,
    metric: str(d.metric) ?? '',
    comparison: str(d.comparison) ?? '',
    threshold: num(d.threshold) ?? 0,
    windowMinutes: num(d.windowMinutes) ?? 0,
    value: num(d.value),
    severity: str(d.severity) ?? 'warning',
    state,
    message: str(d.message) ?? '',
  };
}

export function parseNotification(data: unknown): NotificationMessage | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  const title = str(d.title);
  if (!title) return null;
  const level = str(d.level);
  return {
    level: level === 'success' || level === 'warning' || level === 'error' ? level : 'info',
    title,
    message: str(d.message) ?? '',
    link: str(d.link),
    studioPath: executionPath(str(d.workflowId), str(d.executionId)),
  };
}

/** The studio page of one execution: its workflow's history with the execution opened. */
export function executionPath(workflowId: string | null, executionId: string | null): string | null {
  if (!workflowId || !executionId) return null;
  return `/workflows/${encodeURIComponent(workflowId)}/executions?open=${encodeURIComponent(executionId)}`;
}

/** A firing alert is as loud as its severity; a resolved one is good news. */
export function alertLevel(alert: Pick<AlertMessage, 'severity' | 'state'>): Level {
  if (alert.state !== 'firing') return 'success';
  return alert.severity === 'critical' ? 'error' : alert.severity === 'info' ? 'info' : 'warning';
}

/** Remembers the last `capacity` keys: `seen(key)` is true for a repeat (the same alert relayed twice). */
export class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly capacity = 200) {}
  seen(key: string): boolean {
    if (this.keys.has(key)) return true;
    this.keys.add(key);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value as string);
    return false;
  }
}

/** A rule list with one rule's state replaced from an `alert` message (the cache is patched before the refetch lands). */
export function patchRuleState(rules: Rule[], alert: AlertMessage, at: string): void {
  const rule = rules.find((r) => r.id === alert.ruleId);
  if (!rule) return;
  rule.state = alert.state === 'firing' ? 'firing' : 'ok';
  if (alert.value !== null) rule.lastValue = alert.value;
  rule.changedAt = at;
}
