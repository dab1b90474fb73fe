import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useAppSelector } from '../../../app/hooks';
import { toDsl } from '../model/dsl';
import type { FieldInfo } from '../model/schema';
import { queryBuilderActions as qb } from '../queryBuilderSlice';
import { mockFetch, pick, renderWithApp, signedInStore } from '../test/harness';
import { BuilderContext } from './BuilderContext';
import { DslView } from './DslView';
import { FilterBuilder } from './FilterBuilder';

const fields: FieldInfo[] = [
  { field: 'u.age', alias: 'u', table: 'User', column: 'age', type: 'integer', kind: 'integer', indexed: false },
  { field: 'u.status', alias: 'u', table: 'User', column: 'status', type: 'varchar(20)', kind: 'text', indexed: true },
];

function Harness() {
  const state = useAppSelector((s) => s.queryBuilder);
  return (
    <BuilderContext.Provider value={{ schema: [], fields, outputNames: [], dialect: 'sqlite', errors: { byTarget: new Map(), general: [] } }}>
      <FilterBuilder
        root={state.conditions}
        tree="where"
        fieldOptions={fields.map((f) => ({ value: f.field, label: f.field, kind: f.kind }))}
      />
      <DslView dsl={toDsl(state)} />
    </BuilderContext.Provider>
  );
}

function dsl() {
  return JSON.parse(screen.getByTestId('dsl-view').textContent ?? '{}') as { tables: { where?: unknown }[] };
}

describe('FilterBuilder', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('adds a nested OR group, picks $between, and the DSL follows', { timeout: 30_000 }, async () => {
    mockFetch(() => undefined);
    const store = signedInStore();
    store.dispatch(qb.tableAdded({ name: 'User', alias: 'u' }));
    renderWithApp(<Harness />, { store });
    const user = userEvent.setup();

    const root = screen.getByTestId('filter-group');
    await user.click(within(root).getByTestId('add-filter'));
    expect(screen.getAllByTestId('condition')).toHaveLength(1);
    await user.type(screen.getByTestId('value-input'), '18');
    expect(dsl().tables[0]?.where).toEqual({ age: 18 });

    // An OR group inside the root AND group, starting with one condition.
    await user.click(within(root).getByTestId('add-group'));
    const groups = screen.getAllByTestId('filter-group');
    expect(groups).toHaveLength(2);
    const orGroup = groups[1] as HTMLElement;
    expect(orGroup).toHaveAttribute('data-combinator', 'OR');
    await user.click(within(orGroup).getByTestId('add-filter'));
    const inner = within(orGroup).getAllByTestId('condition');
    expect(inner).toHaveLength(2);

    // First condition of the OR group: age BETWEEN 30 AND 40.
    const first = inner[0] as HTMLElement;
    await pick(within(first).getByTestId('operator-select'), /\(\$between\)/);
    await waitFor(() => expect(within(first).getByTestId('value-input-low')).toBeInTheDocument());
    await user.type(within(first).getByTestId('value-input-low'), '30');
    await user.type(within(first).getByTestId('value-input-high'), '40');

    // Second: status starts with "a".
    const second = inner[1] as HTMLElement;
    await pick(within(second).getByTestId('condition-field'), 'u.status');
    await pick(within(second).getByTestId('operator-select'), /\(\$starts\)/);
    await user.type(within(second).getByTestId('value-input'), 'a');

    await waitFor(() =>
      expect(dsl().tables[0]?.where).toEqual({
        age: 18,
        $or: [{ age: { $between: [30, 40] } }, { status: { $starts: 'a' } }],
      }),
    );
    expect(toDsl(store.getState().queryBuilder).tables[0]?.where).toEqual(dsl().tables[0]?.where);
  });

  it('negates a group and removes conditions', { timeout: 30_000 }, async () => {
    mockFetch(() => undefined);
    const store = signedInStore();
    store.dispatch(qb.tableAdded({ name: 'User', alias: 'u' }));
    store.dispatch(qb.groupAdded({ tree: 'where', combinator: 'OR', field: 'u.age' }));
    renderWithApp(<Harness />, { store });
    const user = userEvent.setup();
    const group = screen.getAllByTestId('filter-group')[1] as HTMLElement;
    await user.type(within(group).getByTestId('value-input'), '5');
    await user.click(within(group).getByLabelText(/NOT \(the whole group\)/));
    expect(dsl().tables[0]?.where).toEqual({ $not: { $or: [{ age: 5 }] } });
    await user.click(within(group).getByTestId('remove-condition'));
    expect(dsl().tables[0]?.where).toBeUndefined();
  });
});
