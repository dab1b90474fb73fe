// Template variables: `${name}` placeholders in `where`/`having` values, found and substituted
// exactly as the server does (routes/templates.rs), so the builder can validate and run a query
// that still holds them with test values.
import type { JsonValue } from './types';

function walk(value: JsonValue | undefined, inside: boolean, visit: (s: string) => void): void {
  if (typeof value === 'string') {
    if (inside) visit(value);
  } else if (Array.isArray(value)) {
    value.forEach((v) => walk(v, inside, visit));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, inside || k === 'where' || k === 'having', visit);
  }
}

/** The placeholder names a query uses, in order of first appearance. */
export function placeholders(dsl: unknown): string[] {
  const out: string[] = [];
  walk(dsl as JsonValue, false, (s) => {
    for (const m of s.matchAll(/\$\{([^}]*)\}/g)) {
      const name = m[1] ?? '';
      if (name && !out.includes(name)) out.push(name);
    }
  });
  return out;
}

function substitute(value: JsonValue, vars: Record<string, JsonValue>, inside: boolean): JsonValue {
  if (typeof value === 'string') {
    if (!inside) return value;
    const whole = /^\$\{([^}]*)\}$/.exec(value);
    if (whole && whole[1] !== undefined && whole[1] in vars) return vars[whole[1]] ?? null;
    let out = value;
    for (const [name, v] of Object.entries(vars)) {
      out = out.split(`\${${name}}`).join(typeof v === 'string' ? v : JSON.stringify(v));
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars, inside));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, vars, inside || k === 'where' || k === 'having')]),
    );
  }
  return value;
}

/** The query with placeholders replaced: a value that is only `${x}` takes the variable's value. */
export function substituteVariables<T>(dsl: T, vars: Record<string, JsonValue>): T {
  return substitute(dsl as unknown as JsonValue, vars, false) as unknown as T;
}

/**
 * A variable's value from a form field: a JSON list (`[1, 2]`, for `$in`) or object is parsed,
 * anything else is kept as text (the server types it by its column).
 */
export function parseVariableInput(text: string): JsonValue {
  const t = text.trim();
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      return JSON.parse(t) as JsonValue;
    } catch {
      return text;
    }
  }
  return text;
}
