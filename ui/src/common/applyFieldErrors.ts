// Puts the server's `errors[]` on the form fields they name. `path` is a JSON path into the request
// (`name`, `roles[1]`, `connection.host`); `roles[1]` goes on the `roles` field, `connection.host`
// on the nested field ['connection', 'host']. Returns the errors no field took (`body`, `query`,
// unknown paths) so the caller can show them in the form's alert.
import type { FormInstance } from 'antd';
import { isApiError, type FieldError } from '../api/errors';

export type NamePath = (string | number)[];

/** `roles[1].name` → ['roles', 1, 'name']. */
export function toNamePath(path: string): NamePath {
  const parts: NamePath = [];
  for (const segment of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(segment);
    if (!match) return [path];
    if (match[1]) parts.push(match[1]);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) parts.push(Number(index[1]));
  }
  return parts;
}

export function applyFieldErrors(
  form: Pick<FormInstance, 'setFields' | 'getFieldsValue'>,
  error: unknown,
  options: { fieldMap?: Record<string, string> } = {},
): FieldError[] {
  if (!isApiError(error)) return [];
  const known = new Set(Object.keys(form.getFieldsValue() ?? {}));
  const byField = new Map<string, { name: NamePath; messages: string[] }>();
  const unplaced: FieldError[] = [];
  for (const item of error.errors) {
    const mapped = options.fieldMap?.[item.path] ?? item.path;
    const full = toNamePath(mapped);
    // An indexed entry (`roles[1]`) belongs to the list field (`roles`) shown as one control.
    const cut = full.findIndex((p) => typeof p === 'number');
    const name = cut > 0 ? full.slice(0, cut) : full;
    const head = name[0];
    if (typeof head !== 'string' || !known.has(head)) {
      unplaced.push(item);
      continue;
    }
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, messages: [] };
    entry.messages.push(item.message);
    byField.set(key, entry);
  }
  form.setFields([...byField.values()].map(({ name, messages }) => ({ name, errors: messages })));
  return unplaced;
}
