// `query-progress` events from `GET /api/v1/events` (docs/monitoring.md) for one run. EventSource
// cannot send headers, so the stream is opened with a one-use ticket from `POST /auth/ws-ticket`,
// and it is opened before the run starts so no event is missed.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useWsTicketMutation } from '../../../api/generated';

export interface QueryProgress {
  id: string;
  /** `running`, `streaming`, `completed` or `failed`. */
  phase: string;
  rows: number;
  elapsedMs: number;
  datasource?: string;
  error?: string | null;
}

/** Reads a `query-progress` message for this run id, or null. */
export function parseProgress(raw: string, id: string): QueryProgress | null {
  try {
    const msg = JSON.parse(raw) as { type?: string; data?: Partial<QueryProgress> };
    if (msg.type !== 'query-progress' || msg.data?.id !== id) return null;
    return {
      id,
      phase: String(msg.data.phase ?? 'running'),
      rows: Number(msg.data.rows ?? 0),
      elapsedMs: Number(msg.data.elapsedMs ?? 0),
      datasource: msg.data.datasource,
      error: msg.data.error ?? null,
    };
  } catch {
    return null;
  }
}

/** A fresh id for `options.progressId`. */
export function newProgressId(): string {
  return `qb-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

const OPEN_WAIT_MS = 1500;

/**
 * `follow(id)` opens the event stream for a run and resolves once it is open (or after a short
 * wait, or at once if it cannot be opened: progress is a nicety, the run reports its own result).
 * It resolves with a function that stops following. `progress` is the latest event.
 */
export function useQueryProgress() {
  const [progress, setProgress] = useState<QueryProgress | null>(null);
  const [getTicket] = useWsTicketMutation();
  const sources = useRef(new Set<EventSource>());

  useEffect(() => {
    const open = sources.current;
    return () => {
      open.forEach((s) => s.close());
      open.clear();
    };
  }, []);

  const follow = useCallback(
    async (id: string): Promise<() => void> => {
      setProgress({ id, phase: 'running', rows: 0, elapsedMs: 0 });
      if (typeof EventSource === 'undefined') return () => {};
      let ticket: string | undefined;
      try {
        ticket = (await getTicket().unwrap()).data?.ticket;
      } catch {
        return () => {};
      }
      if (!ticket) return () => {};
      const source = new EventSource(`/api/v1/events?ticket=${encodeURIComponent(ticket)}`);
      sources.current.add(source);
      source.onmessage = (event: MessageEvent<string>) => {
        const p = parseProgress(event.data, id);
        if (p) setProgress(p);
      };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, OPEN_WAIT_MS);
        source.onopen = () => {
          clearTimeout(timer);
          resolve();
        };
        source.onerror = () => {
          // The ticket was used once; a reconnect would be refused, so stop here.
          clearTimeout(timer);
          source.close();
          resolve();
        };
      });
      return () => {
        source.close();
        sources.current.delete(source);
      };
    },
    [getTicket],
  );

  const clear = useCallback(() => setProgress(null), []);
  return { progress, follow, clear };
}
