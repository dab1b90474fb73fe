import { describe, expect, it } from 'vitest';
import { alertLevel, ALERT_METRICS, formToInput, NEW_RULE, parseAlert, parseNotification, patchRuleState, RecentKeys, ruleToForm, type Rule } from './alertRules';

const rule: Rule = {
  id: 'alert_1',
  name: 'errors',
  metric: 'api.error.rate',
  comparison: '>',
  threshold: 5,
  windowMinutes: 5,
  severity: 'critical',
  enabled: true,
  state: 'ok',
  description: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

const alertData = {
  id: 'alev_1',
  ruleId: 'alert_1',
  name: 'errors',
  metric: 'api.error.rate',
  comparison: '>',
  threshold: 5,
  windowMinutes: 5,
  value: 7.5,
  severity: 'critical',
  state: 'firing',
  message: 'errors: api.error.rate is 7.5 (> 5 over 5 min)',
};

describe('alert rules', () => {
  it('offers the documented series and the live gauges as metrics', () => {
    expect(ALERT_METRICS).toContain('api.error.rate');
    expect(ALERT_METRICS).toContain('system.cpu.usage');
    expect(ALERT_METRICS).toContain('process.rss');
    expect(new Set(ALERT_METRICS).size).toBe(ALERT_METRICS.length);
  });

  it('round-trips a rule through the form, trimming and nulling an empty description', () => {
    expect(formToInput(ruleToForm(rule))).toEqual({
      name: 'errors',
      metric: 'api.error.rate',
      comparison: '>',
      threshold: 5,
      windowMinutes: 5,
      severity: 'critical',
      enabled: true,
      description: null,
    });
    expect(formToInput({ ...NEW_RULE, name: '  cpu  ', description: ' hot ' })).toMatchObject({ name: 'cpu', description: 'hot' });
  });
});

describe('realtime messages', () => {
  it('reads alert messages and rejects malformed ones', () => {
    expect(parseAlert(alertData)).toMatchObject({ id: 'alev_1', ruleId: 'alert_1', state: 'firing', value: 7.5 });
    expect(parseAlert({ ...alertData, state: 'weird' })).toBeNull();
    expect(parseAlert({ ...alertData, ruleId: 3 })).toBeNull();
    expect(parseAlert('x')).toBeNull();
  });

  it('reads notifications, defaulting an unknown level to info', () => {
    expect(parseNotification({ level: 'error', title: 'Run failed', message: 'node 2', link: '/workflows/wf_1/executions' })).toEqual({
      level: 'error',
      title: 'Run failed',
      message: 'node 2',
      link: '/workflows/wf_1/executions',
      studioPath: null,
    });
    // A workflow execution's notification links to the execution in the studio.
    expect(parseNotification({ level: 'success', title: 'Done', link: '/api/v1/executions/exec_2', executionId: 'exec_2', workflowId: 'wf_1' })?.studioPath).toBe(
      '/workflows/wf_1/executions?open=exec_2',
    );
    expect(parseNotification({ level: 'loud', title: 't' })?.level).toBe('info');
    expect(parseNotification({ level: 'error' })).toBeNull();
  });

  it('maps severity and state to a notification level', () => {
    expect(alertLevel({ severity: 'critical', state: 'firing' })).toBe('error');
    expect(alertLevel({ severity: 'warning', state: 'firing' })).toBe('warning');
    expect(alertLevel({ severity: 'info', state: 'firing' })).toBe('info');
    expect(alertLevel({ severity: 'critical', state: 'resolved' })).toBe('success');
  });

  it('remembers recent keys, forgetting the oldest beyond its capacity', () => {
    const keys = new RecentKeys(2);
    expect(keys.seen('a')).toBe(false);
    expect(keys.seen('a')).toBe(true);
    keys.seen('b');
    keys.seen('c');
    expect(keys.seen('a')).toBe(false);
  });

  it('patches the rule an alert is about', () => {
    const rules = [{ ...rule }, { ...rule, id: 'alert_2' }];
    patchRuleState(rules, parseAlert(alertData)!, '2026-01-01T00:05:00Z');
    expect(rules[0]).toMatchObject({ state: 'firing', lastValue: 7.5, changedAt: '2026-01-01T00:05:00Z' });
    expect(rules[1]!.state).toBe('ok');
    patchRuleState(rules, parseAlert({ ...alertData, state: 'resolved' })!, '2026-01-01T00:09:00Z');
    expect(rules[0]!.state).toBe('ok');
  });
});
