// The realtime connection manager (seed 4.1, docs/monitoring.md), in plain TypeScript: one WebSocket
// to `/ws/metrics` or `/ws`, opened with a fresh single-use ticket from `POST /auth/ws-ticket` on
// every attempt, a `{"type":"ping"}` heartbeat every 30 s, and reconnection with exponential backoff
// (1 s doubling to 30 s, back to 1 s once a connection proved good). Close code 4001 (credential
// expired or revoked) is retried like any other close: the connection only lives as long as an
// access token would, so a healthy session reconnects with a fresh ticket (the API client refreshes
// the token to get it), while a revoked one is refused the ticket (401) and the socket stops there.
import { apiFetch } from '../../api/apiFetch';
import { isApiError } from '../../api/errors';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface RealtimeMessage {
  type: string;
  timestamp?: string;
  data?: unknown;
}

/** The WebSocket constructor (a fake one in tests). */
export type SocketFactory = new (url: string) => WebSocket;

export interface SocketOptions {
  /** `/ws/metrics` or `/ws`. */
  path: string;
  /** Narrows the metric messages at connection time (`?names=`): exact names or `prefix*`. */
  names?: readonly string[];
  /** More query parameters, read at each attempt (e.g. `since`, so a reconnection resumes). */
  params?: () => Record<string, string>;
  /** A fresh single-use ticket; rejects with an ApiError when none can be had. */
  getTicket?: () => Promise<string>;
  WebSocketImpl?: SocketFactory;
  /** `ws(s)://host`; defaults to the page's origin. */
  origin?: string;
  heartbeatMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A connection open this long (or that delivered a message) counts as good: backoff resets. */
  stableMs?: number;
}

export const CLOSE_CREDENTIAL = 4001;
const NORMAL_CLOSE = 1000;

/** Asks the server for a one-use ticket (docs/monitoring.md); the API client refreshes the session on 401. */
export async function fetchTicket(): Promise<string> {
  const response = await apiFetch('/api/v1/auth/ws-ticket', { method: 'POST', silent: true });
  const body = (await response.json()) as { data?: { ticket?: string } };
  const ticket = body.data?.ticket;
  if (!ticket) throw new Error('no ticket in the answer');
  return ticket;
}

function pageOrigin(): string {
  if (typeof window === 'undefined') return 'ws://localhost';
  return `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}`;
}

export class RealtimeSocket {
  private readonly opts: Required<Omit<SocketOptions, 'names' | 'origin' | 'params'>> & Pick<SocketOptions, 'names' | 'origin' | 'params'>;
  private ws: WebSocket | null = null;
  private stateValue: ConnectionState = 'closed';
  private attempt = 0;
  private stopped = true;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private stableTimer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;
  private readonly messageListeners = new Set<(msg: RealtimeMessage) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  /** Why the last connection ended (code and reason), for display. */
  lastClose: { code: number; reason: string } | null = null;
  /** When the next attempt is due (ms since epoch), while reconnecting. */
  nextAttemptAt: number | null = null;

  constructor(options: SocketOptions) {
    this.opts = {
      getTicket: fetchTicket,
      WebSocketImpl: (typeof WebSocket !== 'undefined' ? WebSocket : undefined) as unknown as SocketFactory,
      heartbeatMs: 30_000,
      initialBackoffMs: 1_000,
      maxBackoffMs: 30_000,
      stableMs: 5_000,
      ...options,
    };
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The delay before reconnection attempt `n` (1-based): 1 s, 2 s, 4 s … capped at 30 s. */
  backoff(n: number): number {
    return Math.min(this.opts.maxBackoffMs, this.opts.initialBackoffMs * 2 ** Math.max(0, n - 1));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.lastClose = null;
    this.setState('connecting');
    void this.connect();
  }

  /** Closes the connection and stops reconnecting. */
  stop(): void {
    this.stopped = true;
    this.generation++;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws && (ws.readyState === 0 || ws.readyState === 1)) ws.close(NORMAL_CLOSE, 'client closed');
    this.setState('closed');
  }

  send(message: unknown): boolean {
    if (this.ws?.readyState !== 1) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  onMessage(listener: (msg: RealtimeMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private setState(next: ConnectionState): void {
    if (next !== 'reconnecting') this.nextAttemptAt = null;
    if (next === this.stateValue) return;
    this.stateValue = next;
    this.stateListeners.forEach((l) => l(next));
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.stableTimer) clearTimeout(this.stableTimer);
    this.retryTimer = this.heartbeatTimer = this.stableTimer = null;
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    if (!this.opts.WebSocketImpl) {
      // No WebSocket in this environment: nothing to connect to, and retrying cannot help.
      this.stopped = true;
      this.setState('closed');
      return;
    }
    let ticket: string;
    try {
      ticket = await this.opts.getTicket();
    } catch (error) {
      if (generation !== this.generation) return;
      // Signed out, not allowed, or a server without tickets: retrying cannot help (the API client
      // handles the session).
      if (isApiError(error) && (error.status === 401 || error.status === 403 || error.status === 404)) {
        this.lastClose = { code: error.status, reason: error.message };
        this.stopped = true;
        this.setState('closed');
        return;
      }
      this.scheduleReconnect();
      return;
    }
    if (generation !== this.generation) return;
    const params = new URLSearchParams({ ticket });
    if (this.opts.names?.length) params.set('names', this.opts.names.join(','));
    for (const [key, value] of Object.entries(this.opts.params?.() ?? {})) params.set(key, value);
    const ws = new this.opts.WebSocketImpl(`${this.opts.origin ?? pageOrigin()}${this.opts.path}?${params.toString()}`);
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.setState('open');
      this.heartbeatTimer = setInterval(() => this.send({ type: 'ping' }), this.opts.heartbeatMs);
      this.stableTimer = setTimeout(() => this.markGood(), this.opts.stableMs);
    };
    ws.onmessage = (event: MessageEvent) => {
      if (this.ws !== ws) return;
      this.markGood();
      let message: RealtimeMessage;
      try {
        message = JSON.parse(String(event.data)) as RealtimeMessage;
      } catch {
        return;
      }
      if (!message || typeof message.type !== 'string') return;
      this.messageListeners.forEach((l) => l(message));
    };
    ws.onclose = (event: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.clearTimers();
      this.lastClose = { code: event.code, reason: event.reason };
      this.scheduleReconnect();
    };
    // An error is always followed by a close, which decides what happens next.
    ws.onerror = () => {};
  }

  private markGood(): void {
    this.attempt = 0;
    if (this.stableTimer) clearTimeout(this.stableTimer);
    this.stableTimer = null;
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.attempt += 1;
    const delay = this.backoff(this.attempt);
    this.setState('reconnecting');
    this.nextAttemptAt = Date.now() + delay;
    this.stateListeners.forEach((l) => l('reconnecting'));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) void this.connect();
    }, delay);
  }
}
