// Condition trees: nested AND/OR groups of leaf conditions. Helpers mutate in place, so they
// work on Immer drafts inside the slice as well as on plain objects.
import { nanoid } from '@reduxjs/toolkit';
import type { ConditionGroup, ConditionLeaf, ConditionNode, JsonValue, Operator } from './types';

export const newId = (): string => nanoid(10);

export function emptyGroup(combinator: 'AND' | 'OR' = 'AND', id: string = newId()): ConditionGroup {
  return { kind: 'group', id, combinator, children: [] };
}

export function newCondition(field: string, operator: Operator = '$eq', value: JsonValue = ''): ConditionLeaf {
  return { kind: 'condition', id: newId(), field, operator, value };
}

export function findNode(root: ConditionNode, id: string): ConditionNode | undefined {
  if (root.id === id) return root;
  if (root.kind === 'group') {
    for (const child of root.children) {
      const found = findNode(child, id);
      if (found) return found;
    }
  }
  return undefined;
}

export function findParent(root: ConditionGroup, id: string): ConditionGroup | undefined {
  for (const child of root.children) {
    if (child.id === id) return root;
    if (child.kind === 'group') {
      const found = findParent(child, id);
      if (found) return found;
    }
  }
  return undefined;
}

export function findGroup(root: ConditionGroup, id: string): ConditionGroup | undefined {
  const node = findNode(root, id);
  return node?.kind === 'group' ? node : undefined;
}

/** Removes a node (never the root); answers whether it was found. */
export function removeNode(root: ConditionGroup, id: string): boolean {
  const parent = findParent(root, id);
  if (!parent) return false;
  parent.children = parent.children.filter((c) => c.id !== id);
  return true;
}

/** Every leaf of a tree, depth first. */
export function leaves(node: ConditionNode): ConditionLeaf[] {
  return node.kind === 'condition' ? [node] : node.children.flatMap(leaves);
}

/** Drops leaves whose field matches `drop` (used when a table leaves the query). */
export function pruneFields(group: ConditionGroup, drop: (field: string) => boolean): void {
  group.children = group.children.filter((c) => c.kind === 'group' || !(drop(c.field) || (c.valueColumn !== undefined && drop(c.valueColumn))));
  for (const c of group.children) if (c.kind === 'group') pruneFields(c, drop);
}
