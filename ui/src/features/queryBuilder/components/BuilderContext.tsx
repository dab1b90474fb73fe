// What every part of the builder needs to know besides its own state: the query's fields with
// their types, output names, the dialect, and the validator's errors placed by part.
import { createContext, useContext } from 'react';
import type { PlacedErrors } from '../hooks/useLiveValidation';
import type { Target } from '../model/dsl';
import { targetKey } from '../model/dsl';
import type { FieldInfo, SchemaTable } from '../model/schema';

export interface BuilderContextValue {
  schema: SchemaTable[];
  fields: FieldInfo[];
  /** `as` names of columns and aggregates (usable in having and orderBy). */
  outputNames: string[];
  /** `mysql`, `postgres`, `sqlite` or unknown. */
  dialect: string | null;
  errors: PlacedErrors;
}

export const BuilderContext = createContext<BuilderContextValue>({
  schema: [],
  fields: [],
  outputNames: [],
  dialect: null,
  errors: { byTarget: new Map(), general: [] },
});

export function useBuilder(): BuilderContextValue {
  return useContext(BuilderContext);
}

/** The validator's messages about one part of the builder. */
export function useTargetErrors(target: Target): string[] {
  return useContext(BuilderContext).errors.byTarget.get(targetKey(target)) ?? [];
}

/** The drag-and-drop type of a schema column: `{table, column}` as JSON. */
export const COLUMN_DRAG_TYPE = 'application/x-quarry-column';

export interface DraggedColumn {
  table: string;
  column: string;
}

export function readDraggedColumn(e: { dataTransfer: DataTransfer | null }): DraggedColumn | null {
  const raw = e.dataTransfer?.getData(COLUMN_DRAG_TYPE);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<DraggedColumn>;
    return typeof v.table === 'string' && typeof v.column === 'string' ? { table: v.table, column: v.column } : null;
  } catch {
    return null;
  }
}

export function hasDraggedColumn(e: { dataTransfer: DataTransfer | null }): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes(COLUMN_DRAG_TYPE);
}
