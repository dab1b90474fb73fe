// The run form: one field per variable, turned into the execution's `input` object.
import type { Variable } from './types';

export type RunFieldValue = string | number | boolean | null | undefined;

export interface RunInputResult {
  input: Record<string, unknown>;
  /** Variable name → message key (`wf.run.required`, `wf.run.badJson`…). */
  errors: Record<string, string>;
}

export function buildRunInput(variables: readonly Variable[], values: Record<string, RunFieldValue>): RunInputResult {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const v of variables) {
    const raw = values[v.name];
    const empty = raw === undefined || raw === null || raw === '';
    if (empty) {
      if (v.required && v.defaultValue == null) errors[v.name] = 'wf.run.required';
      continue;
    }
    switch (v.type) {
      case 'number':
      case 'integer': {
        const n = typeof raw === 'number' ? raw : Number(raw);
        if (!Number.isFinite(n) || (v.type === 'integer' && !Number.isInteger(n))) errors[v.name] = 'wf.run.badNumber';
        else input[v.name] = n;
        break;
      }
      case 'boolean':
        input[v.name] = raw === true || raw === 'true';
        break;
      case 'object':
      case 'array': {
        try {
          const parsed: unknown = JSON.parse(String(raw));
          const ok = v.type === 'array' ? Array.isArray(parsed) : parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
          if (ok) input[v.name] = parsed;
          else errors[v.name] = v.type === 'array' ? 'wf.run.notArray' : 'wf.run.notObject';
        } catch {
          errors[v.name] = 'wf.run.badJson';
        }
        break;
      }
      default:
        input[v.name] = String(raw);
    }
  }
  return { input, errors };
}
