// Test helper: a WebSocket stand-in that records every instance, for component tests that stub
// the global (`vi.stubGlobal('WebSocket', FakeWebSocket)`). Not imported by product code.
export class FakeWebSocket {
  static all: FakeWebSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  closedWith: number | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(public url: string) {
    FakeWebSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close(code = 1000) {
    this.closedWith = code;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  get path(): string {
    return new URL(this.url).pathname;
  }
  static on(path: string): FakeWebSocket | undefined {
    return FakeWebSocket.all.filter((s) => s.path === path).at(-1);
  }
}
