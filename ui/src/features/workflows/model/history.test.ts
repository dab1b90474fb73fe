import { describe, expect, it } from 'vitest';
import { canRedo, canUndo, record, redo, startHistory, undo } from './history';

describe('history', () => {
  it('undoes and redoes, and a new change clears the redo list', () => {
    let h = startHistory(1);
    h = record(h, 2);
    h = record(h, 3);
    h = undo(h);
    expect(h.present).toBe(2);
    expect(canRedo(h)).toBe(true);
    h = redo(h);
    expect(h.present).toBe(3);
    h = undo(undo(h));
    expect(h.present).toBe(1);
    expect(canUndo(h)).toBe(false);
    h = record(h, 9);
    expect(canRedo(h)).toBe(false);
    expect(undo(h).present).toBe(1);
  });

  it('coalesces changes with the same key (a drag) into one step', () => {
    let h = startHistory('a');
    h = record(h, 'b', 'move:n1');
    h = record(h, 'c', 'move:n1');
    h = record(h, 'd', 'move:n1');
    expect(h.past).toEqual(['a']);
    h = record(h, 'e', 'move:n2');
    expect(undo(h).present).toBe('d');
    expect(undo(undo(h)).present).toBe('a');
  });

  it('is bounded', () => {
    let h = startHistory(0);
    for (let i = 1; i <= 10; i++) h = record(h, i, undefined, 3);
    expect(h.past).toEqual([7, 8, 9]);
  });
});
