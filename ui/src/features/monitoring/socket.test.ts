import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket as FakeSocket } from './fakeWebSocket';
import { RealtimeSocket, type ConnectionState, type SocketFactory } from './socket';

const last = () => FakeSocket.all.at(-1)!;

function make(extra: Partial<ConstructorParameters<typeof RealtimeSocket>[0]> = {}) {
  let n = 0;
  const getTicket = vi.fn(async () => `t${++n}`);
  const socket = new RealtimeSocket({
    path: '/ws/metrics',
    origin: 'ws://test',
    getTicket,
    WebSocketImpl: FakeSocket as unknown as SocketFactory,
    ...extra,
  });
  const states: ConnectionState[] = [];
  socket.onState((s) => {
    if (states.at(-1) !== s) states.push(s);
  });
  return { socket, getTicket, states };
}

/** Lets the ticket promise resolve and the socket be created. */
const flush = () => vi.advanceTimersByTimeAsync(0);

describe('RealtimeSocket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
  });
  afterEach(() => vi.useRealTimers());

  it('reads extra query parameters at each attempt', async () => {
    let since = '2026-01-01T00:00:00.000Z';
    const { socket } = make({ params: () => ({ since }) });
    socket.start();
    await flush();
    expect(new URL(last().url).searchParams.get('since')).toBe('2026-01-01T00:00:00.000Z');
    last().open();
    since = '2026-01-01T00:04:59.000Z';
    last().drop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(new URL(last().url).searchParams.get('since')).toBe('2026-01-01T00:04:59.000Z');
    socket.stop();
  });

  it('connects with a fresh ticket on every attempt and reports its states', async () => {
    const { socket, getTicket, states } = make({ names: ['system.*'] });
    socket.start();
    await flush();
    expect(last().url).toBe('ws://test/ws/metrics?ticket=t1&names=system.*');
    last().open();
    expect(socket.state).toBe('open');
    last().drop();
    expect(socket.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    expect(getTicket).toHaveBeenCalledTimes(2);
    expect(last().url).toContain('ticket=t2');
    expect(FakeSocket.all).toHaveLength(2);
    expect(states).toEqual(['connecting', 'open', 'reconnecting']);
    socket.stop();
    expect(socket.state).toBe('closed');
  });

  it('backs off 1 s, 2 s, 4 s … up to 30 s, and resets after a good connection', async () => {
    const { socket, getTicket } = make();
    socket.start();
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const before = FakeSocket.all.length;
      last().drop();
      const next = socket.nextAttemptAt! - Date.now();
      delays.push(next);
      await vi.advanceTimersByTimeAsync(next - 1);
      expect(FakeSocket.all).toHaveLength(before);
      await vi.advanceTimersByTimeAsync(1);
      expect(FakeSocket.all).toHaveLength(before + 1);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(getTicket).toHaveBeenCalledTimes(8);
    // A connection that delivers a message is good: the next failure waits 1 s again.
    last().open();
    last().receive({ type: 'metric', timestamp: 'x', data: { name: 'a', value: 1, tags: {} } });
    last().drop();
    expect(socket.nextAttemptAt! - Date.now()).toBe(1000);
    socket.stop();
  });

  it('a connection that opens and dies at once does not reset the backoff', async () => {
    const { socket } = make();
    socket.start();
    await flush();
    last().drop();
    await vi.advanceTimersByTimeAsync(1000);
    last().open();
    last().drop();
    expect(socket.nextAttemptAt! - Date.now()).toBe(2000);
    socket.stop();
  });

  it('sends a ping every 30 s while open, and stops with the connection', async () => {
    const { socket } = make();
    socket.start();
    await flush();
    const ws = last();
    ws.open();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(ws.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ws.sent).toEqual(['{"type":"ping"}']);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(ws.sent).toHaveLength(2);
    ws.drop();
    await vi.advanceTimersByTimeAsync(60_000 - 1000);
    expect(ws.sent).toHaveLength(2);
    socket.stop();
  });

  it('after close code 4001 asks for a fresh ticket, and stops when it is refused', async () => {
    const getTicket = vi
      .fn<() => Promise<string>>()
      .mockResolvedValueOnce('t1')
      .mockRejectedValueOnce({ status: 401, code: 2000, message: 'session revoked', errors: [] });
    const { socket, states } = make({ getTicket });
    socket.start();
    await flush();
    last().open();
    last().receive({ type: 'pong' });
    last().drop(4001, 'token expired');
    expect(socket.lastClose).toEqual({ code: 4001, reason: 'token expired' });
    expect(socket.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    expect(getTicket).toHaveBeenCalledTimes(2);
    expect(socket.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(getTicket).toHaveBeenCalledTimes(2);
    expect(FakeSocket.all).toHaveLength(1);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'closed']);
  });

  it('stops when the server has no ticket endpoint (404)', async () => {
    const getTicket = vi.fn<() => Promise<string>>().mockRejectedValue({ status: 404, code: 3000, message: 'no route', errors: [] });
    const { socket } = make({ getTicket });
    socket.start();
    await flush();
    expect(socket.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(getTicket).toHaveBeenCalledTimes(1);
  });

  it('stops when no ticket can be had for the session (401), retries on network errors', async () => {
    const getTicket = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce({ status: 'NETWORK_ERROR', code: -1, message: 'offline', errors: [] })
      .mockRejectedValueOnce({ status: 401, code: 2000, message: 'signed out', errors: [] });
    const { socket } = make({ getTicket });
    socket.start();
    await flush();
    expect(socket.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(getTicket).toHaveBeenCalledTimes(2);
    expect(FakeSocket.all).toHaveLength(0);
  });

  it('stays closed where there is no WebSocket', async () => {
    const { socket, getTicket } = make({ WebSocketImpl: undefined as unknown as SocketFactory });
    socket.start();
    await flush();
    expect(socket.state).toBe('closed');
    expect(getTicket).not.toHaveBeenCalled();
  });

  it('delivers parsed messages to subscribers until they unsubscribe', async () => {
    const { socket } = make();
    const seen: string[] = [];
    const off = socket.onMessage((m) => seen.push(m.type));
    socket.start();
    await flush();
    last().open();
    last().receive({ type: 'pong' });
    last().onmessage?.({ data: 'not json' });
    off();
    last().receive({ type: 'alert' });
    expect(seen).toEqual(['pong']);
    socket.stop();
    expect(last().closedWith).toBe(1000);
  });
});
