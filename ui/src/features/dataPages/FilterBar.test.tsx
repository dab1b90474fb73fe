import { fireEvent, render, screen, within } from '@testing-library/react';
import { App } from 'antd';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { installDomPolyfills } from '../../app/testUtils';
import { I18nProvider } from '../../i18n';
import { FilterBar } from './FilterBar';
import type { ModelField } from './introspection';
import { pickOption, typeInto } from './testing';


const fields: ModelField[] = [
  { name: 'username', type: 'String', nonNull: false, isList: false },
  { name: 'age', type: 'Long', nonNull: false, isList: false },
  { name: 'paid', type: 'Boolean', nonNull: false, isList: false },
];

beforeAll(installDomPolyfills);

function setup(applied = '') {
  const onApply = vi.fn();
  render(
    <App>
      <I18nProvider language="en-US">
        <FilterBar fields={fields} applied={applied} onApply={onApply} />
      </I18nProvider>
    </App>,
  );
  return onApply;
}

describe('FilterBar', () => {
  it('builds an RSQL filter from rows, quoting values, joined by AND', () => {
    const onApply = setup();
    // Row 1: username contains "Smith, J" (quoted: it has a comma and a space).
    pickOption('filter-operator-0', 'contains');
    typeInto(screen.getByTestId('filter-value-0'), 'Smith, J');
    // Row 2: age >= 30.
    fireEvent.click(screen.getByTestId('filter-add'));
    pickOption('filter-field-1', 'age');
    pickOption('filter-operator-1', 'at least');
    typeInto(screen.getByTestId('filter-value-1'), '30');
    fireEvent.click(screen.getByTestId('filter-apply'));
    expect(onApply).toHaveBeenLastCalledWith('username=like="Smith, J";age=ge=30');
  });

  it('joins with OR, writes lists and null tests', () => {
    const onApply = setup();
    fireEvent.click(screen.getByLabelText('any condition (OR)'));
    pickOption('filter-field-0', 'age');
    pickOption('filter-operator-0', 'one of');
    const tags = within(screen.getByTestId('filter-value-0')).getByRole('combobox');
    for (const v of ['18', '21']) {
      fireEvent.change(tags, { target: { value: v } });
      fireEvent.keyDown(tags, { key: 'Enter', code: 'Enter', keyCode: 13 });
    }
    fireEvent.click(screen.getByTestId('filter-add'));
    pickOption('filter-field-1', 'paid');
    pickOption('filter-operator-1', 'is null');
    fireEvent.click(within(screen.getByTestId('filter-value-1')).getByLabelText('no'));
    fireEvent.click(screen.getByTestId('filter-apply'));
    expect(onApply).toHaveBeenLastCalledWith('age=in=(18,21),paid=isnull=false');
  });

  it('offers only operators that fit the field type', () => {
    setup();
    pickOption('filter-field-0', 'paid');
    expect(screen.getByTestId('filter-row-0')).toHaveTextContent('paid (Boolean)');
    const operator = within(screen.getByTestId('filter-operator-0')).getByRole('combobox');
    fireEvent.mouseDown(operator);
    const shown = [...document.querySelectorAll('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')].map(
      (o) => o.textContent ?? '',
    );
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.some((l) => l.includes('is null'))).toBe(true);
    expect(shown.some((l) => l.includes('contains'))).toBe(false);
    expect(shown.some((l) => l.includes('has all flags'))).toBe(false);
  });

  it('sends raw RSQL as typed, pre-filled from the rows', () => {
    const onApply = setup();
    typeInto(screen.getByTestId('filter-value-0'), 'bob');
    fireEvent.click(screen.getByText('RSQL'));
    const raw = screen.getByTestId('filter-raw');
    expect(raw).toHaveValue('username==bob');
    typeInto(raw, 'age=gt=3 or username=starts=a');
    fireEvent.click(screen.getByTestId('filter-apply'));
    expect(onApply).toHaveBeenLastCalledWith('age=gt=3 or username=starts=a');
  });

  it('clears to no filter and shows the applied one', () => {
    const onApply = setup('age=gt=3');
    expect(screen.getByTestId('filter-applied')).toHaveTextContent('Filter: age=gt=3');
    fireEvent.click(screen.getByTestId('filter-clear'));
    expect(onApply).toHaveBeenLastCalledWith('');
  });
});
