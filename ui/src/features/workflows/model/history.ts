// Undo/redo over definition snapshots: bounded, and consecutive changes with the same key (one
// node being dragged, one field being typed into) coalesce into one step.
export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** The key of the last change; a change with the same key replaces it. */
  lastKey?: string;
}

export const HISTORY_LIMIT = 100;

export function startHistory<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

export function record<T>(h: History<T>, next: T, key?: string, limit = HISTORY_LIMIT): History<T> {
  if (next === h.present) return h;
  if (key !== undefined && key === h.lastKey) return { ...h, present: next, future: [] };
  const past = [...h.past, h.present];
  if (past.length > limit) past.splice(0, past.length - limit);
  return { past, present: next, future: [], lastKey: key };
}

export function undo<T>(h: History<T>): History<T> {
  if (h.past.length === 0) return h;
  const past = h.past.slice(0, -1);
  return { past, present: h.past[h.past.length - 1] as T, future: [h.present, ...h.future] };
}

export function redo<T>(h: History<T>): History<T> {
  if (h.future.length === 0) return h;
  const [present, ...future] = h.future;
  return { past: [...h.past, h.present], present: present as T, future };
}

export const canUndo = <T>(h: History<T>) => h.past.length > 0;
export const canRedo = <T>(h: History<T>) => h.future.length > 0;
