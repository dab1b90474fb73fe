// Test helpers for the data and datasource pages: rendering a page with the app's providers and
// store in a memory router (fake server from app/testUtils), and driving antd controls quickly.
import { fireEvent, screen, within } from '@testing-library/react';
export { renderPage } from '../../app/testUtils';

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
