// The designer's client state: the definition with its undo history, the selection and the
// clipboard. Every edit goes through `change`, so undo/redo sees it.
import { useCallback, useMemo, useState } from 'react';
import { copySelection, pasteClip, type Clip } from '../model/clipboard';
import { canRedo, canUndo, record, redo, startHistory, undo, type History } from '../model/history';
import { removeElements, type Definition } from '../model/types';

export interface Selection {
  nodes: string[];
  edge?: string;
}

export interface Designer {
  definition: Definition;
  selection: Selection;
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
  change: (update: (def: Definition) => Definition, key?: string) => void;
  reset: (def: Definition) => void;
  markSaved: () => void;
  /** A selection, or an update of the current one (React Flow reports a click as several changes). */
  select: (selection: Selection | ((current: Selection) => Selection)) => void;
  undo: () => void;
  redo: () => void;
  copy: () => void;
  paste: () => void;
  removeSelected: () => void;
}

export function useDesigner(initial: Definition): Designer {
  const [history, setHistory] = useState<History<Definition>>(() => startHistory(initial));
  const [saved, setSaved] = useState<Definition>(initial);
  const [selection, setSelection] = useState<Selection>({ nodes: [] });
  const [clip, setClip] = useState<Clip | null>(null);

  const change = useCallback((update: (def: Definition) => Definition, key?: string) => {
    setHistory((h) => record(h, update(h.present), key));
  }, []);
  const reset = useCallback((def: Definition) => {
    setHistory(startHistory(def));
    setSaved(def);
    setSelection({ nodes: [] });
  }, []);
  const definition = history.present;

  return useMemo<Designer>(
    () => ({
      definition,
      selection,
      dirty: definition !== saved,
      canUndo: canUndo(history),
      canRedo: canRedo(history),
      change,
      reset,
      markSaved: () => setSaved(definition),
      select: setSelection,
      undo: () => setHistory(undo),
      redo: () => setHistory(redo),
      copy: () => {
        if (selection.nodes.length) setClip(copySelection(definition, selection.nodes));
      },
      paste: () => {
        if (!clip) return;
        const { definition: next, pasted } = pasteClip(definition, clip);
        setHistory((h) => record(h, next));
        setSelection({ nodes: pasted });
        // Pasting twice puts the second copy further along.
        setClip(copySelection(next, pasted));
      },
      removeSelected: () => {
        if (!selection.nodes.length && !selection.edge) return;
        change((d) => removeElements(d, selection.nodes, selection.edge ? [selection.edge] : []));
        setSelection({ nodes: [] });
      },
    }),
    [definition, saved, history, selection, clip, change, reset],
  );
}
