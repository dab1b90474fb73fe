// Test helpers for the execution views: a page rendered with the app's providers and store in a
// memory router (fake server from app/testUtils), and a tiny fake EventSource.
import { act } from '@testing-library/react';
import { vi } from 'vitest';
export { renderPage as renderView } from '../../../app/testUtils';

/** Stands in for the browser's EventSource: tests open it, push messages and break it. */
export class FakeEventSource {
  static instances: FakeEventSource[] = [];
  readonly url: string;
  closed = false;
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent<string>) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;

  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }

  close(): void {
    this.closed = true;
  }

  static install(): void {
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
  }

  static last(): FakeEventSource | undefined {
    return FakeEventSource.instances[FakeEventSource.instances.length - 1];
  }

  open(): void {
    act(() => this.onopen?.(new Event('open')));
  }

  /** Sends a `workflow-status` event with this SSE id. */
  workflowStatus(id: string, data: Record<string, unknown>): void {
    const payload = JSON.stringify({ type: 'workflow-status', timestamp: '2026-01-01T00:00:05Z', data });
    act(() => this.onmessage?.(new MessageEvent('message', { data: payload, lastEventId: id })));
  }

  fail(): void {
    act(() => this.onerror?.(new Event('error')));
  }
}
