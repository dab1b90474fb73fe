// Test helpers for the data and datasource pages: rendering a page with the app's providers and
// store in a memory router (fake server from app/testUtils), and driving antd controls quickly.
import { fireEvent, render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { AppProviders } from '../../app/AppProviders';
import { installDomPolyfills, testStore, tokens } from '../../app/testUtils';

export function renderPage(element: ReactNode, { path, route, permissions = ['*'] }: { path: string; route: string; permissions?: string[] }) {
  installDomPolyfills();
  const { store, teardown } = testStore(tokens({}, permissions));
  const view = render(
    <AppProviders store={store}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path={route} element={element} />
          <Route path="*" element={<div data-testid="elsewhere" />} />
        </Routes>
      </MemoryRouter>
    </AppProviders>,
  );
  return { ...view, store, teardown };
}

/** The GraphQL document and variables of a `/pamirs/...` request body. */
export function gqlBody(body: string | null): { query: string; variables: Record<string, unknown> } {
  return JSON.parse(body ?? '{}') as { query: string; variables: Record<string, unknown> };
}

/** Picks the option whose label contains `text` in the antd Select with `testId` (search + Enter). */
export function pickOption(testId: string, text: string): void {
  const input = within(screen.getByTestId(testId)).getByRole('combobox');
  fireEvent.mouseDown(input);
  fireEvent.change(input, { target: { value: text } });
  fireEvent.keyDown(input, { key: 'Enter', code: 'Enter', keyCode: 13 });
}

/** Sets a text input's or text area's value. */
export function typeInto(element: HTMLElement, value: string): void {
  fireEvent.change(element, { target: { value } });
}
