// Differences between two versions of a definition: which nodes, edges, variables and triggers
// were added, removed or changed (nodes and edges by id, variables by name, triggers by id or place).
import type { Definition } from './types';

export interface SectionDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface DefinitionDiff {
  nodes: SectionDiff;
  edges: SectionDiff;
  variables: SectionDiff;
  triggers: SectionDiff;
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function diffBy<T>(a: T[], b: T[], key: (item: T, index: number) => string, ignore: (item: T) => unknown = (x) => x): SectionDiff {
  const left = new Map(a.map((x, i) => [key(x, i), stable(ignore(x))]));
  const right = new Map(b.map((x, i) => [key(x, i), stable(ignore(x))]));
  return {
    added: [...right.keys()].filter((k) => !left.has(k)),
    removed: [...left.keys()].filter((k) => !right.has(k)),
    changed: [...right.keys()].filter((k) => left.has(k) && left.get(k) !== right.get(k)),
  };
}

/** What changed from `a` to `b`; moving a node on the canvas is not a change. */
export function diffDefinitions(a: Definition, b: Definition): DefinitionDiff {
  return {
    nodes: diffBy(a.nodes, b.nodes, (n) => n.id, (n) => ({ ...n, position: undefined })),
    edges: diffBy(a.edges, b.edges, (e) => e.id),
    variables: diffBy(a.variables, b.variables, (v) => v.name),
    triggers: diffBy(a.triggers, b.triggers, (t, i) => t.id ?? `trigger_${i + 1}`),
  };
}

export function isEmptyDiff(d: DefinitionDiff): boolean {
  return Object.values(d).every((s: SectionDiff) => !s.added.length && !s.removed.length && !s.changed.length);
}
