// Follows one execution live: its record from `GET /api/v1/executions/{id}` (RTK Query cache) and
// its `workflow-status` events from `GET /api/v1/events` (docs/monitoring.md), merged by
// executionModel.ts. EventSource cannot send headers, so the stream is opened with a one-use
// ticket from `POST /auth/ws-ticket`, and reopened with a fresh one (resuming after the last event
// id) when it drops. The record is refetched once the stream is open (an async execution may
// have ended before), after each node or the execution finishes (throttled) and after a `notice`.
import { skipToken } from '@reduxjs/toolkit/query/react';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useGetExecutionQuery, useWsTicketMutation } from '../../../api/generated';
import { silenceEndpoints } from '../../../api/silence';
import {
  emptyModel,
  eventReceived,
  isEnded,
  mergeExecution,
  parseStreamMessage,
  snapshotReceived,
  toExecutionView,
  type ExecutionModel,
  type ExecutionView,
  type NodeRunStatus,
  type WorkflowEvent,
} from './executionModel';
import { throttle } from './throttle';

export type { ExecutionLog, ExecutionNodeView, ExecutionView, NodeRunStatus } from './executionModel';

// The panel shows a failed load itself; a refetch failing while the stream runs is retried.
silenceEndpoints(['getExecution']);

const REFETCH_EVERY_MS = 500;
const RECONNECT_FIRST_MS = 1000;
const RECONNECT_MAX_MS = 15000;

type Action =
  | { type: 'event'; executionId: string; event: WorkflowEvent }
  | { type: 'snapshot'; executionId: string; view: ExecutionView; requestedAt: number };

interface State {
  executionId?: string;
  model: ExecutionModel;
}

function reduce(state: State, action: Action): State {
  const model = state.executionId === action.executionId ? state.model : emptyModel;
  const next = action.type === 'event' ? eventReceived(model, action.event) : snapshotReceived(model, action.view, action.requestedAt);
  return next === state.model && state.executionId === action.executionId ? state : { executionId: action.executionId, model: next };
}

export interface ExecutionFollow {
  execution?: ExecutionView;
  nodeStatus: Record<string, NodeRunStatus>;
  /** The event stream is open and the execution has not ended. */
  live: boolean;
  loading: boolean;
  error?: unknown;
  refetch: () => void;
}

export function useExecution(executionId: string | undefined): ExecutionFollow {
  const query = useGetExecutionQuery(executionId ? { id: executionId } : skipToken);
  const [state, dispatch] = useReducer(reduce, { model: emptyModel });
  const [open, setOpen] = useState(false);
  const [getTicket] = useWsTicketMutation();

  const model = executionId && state.executionId === executionId ? state.model : emptyModel;
  const merged = useMemo(() => mergeExecution(model), [model]);
  const ended = isEnded(merged.status);

  const snapshot = useMemo(() => {
    const view = toExecutionView((query.currentData as { data?: unknown } | undefined)?.data);
    return view && view.executionId === executionId ? view : undefined;
  }, [query.currentData, executionId]);
  const { fulfilledTimeStamp, startedTimeStamp } = query;
  useEffect(() => {
    if (executionId && snapshot && fulfilledTimeStamp !== undefined) {
      dispatch({ type: 'snapshot', executionId, view: snapshot, requestedAt: startedTimeStamp ?? 0 });
    }
    // startedTimeStamp is read only when a fetch has answered: it is then that fetch's start.
  }, [executionId, snapshot, fulfilledTimeStamp]);

  const queryRefetch = query.refetch;
  const refetch = useCallback(() => {
    if (!executionId) return;
    try {
      void queryRefetch();
    } catch {
      // Not started yet (skipped): the first fetch is on its way.
    }
  }, [executionId, queryRefetch]);
  const refetchRef = useRef(refetch);
  useEffect(() => {
    refetchRef.current = refetch;
  }, [refetch]);

  useEffect(() => {
    if (!executionId || ended || typeof EventSource === 'undefined') return;
    let stopped = false;
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let delay = RECONNECT_FIRST_MS;
    let lastEventId = '';
    const refetchSoon = throttle(() => refetchRef.current(), REFETCH_EVERY_MS);

    const reconnectLater = () => {
      if (stopped) return;
      retryTimer = setTimeout(() => void connect(), delay);
      delay = Math.min(delay * 2, RECONNECT_MAX_MS);
    };

    const connect = async () => {
      let ticket: string | undefined;
      try {
        ticket = (await getTicket().unwrap()).data?.ticket;
      } catch {
        ticket = undefined;
      }
      if (stopped) return;
      if (!ticket) {
        reconnectLater();
        return;
      }
      const resume = lastEventId ? `&lastEventId=${encodeURIComponent(lastEventId)}` : '';
      const es = new EventSource(`/api/v1/events?ticket=${encodeURIComponent(ticket)}${resume}`);
      source = es;
      es.onopen = () => {
        delay = RECONNECT_FIRST_MS;
        setOpen(true);
        // Whatever happened before the stream opened is only in the record.
        refetchSoon();
      };
      es.onmessage = (message: MessageEvent<string>) => {
        if (message.lastEventId) lastEventId = message.lastEventId;
        const parsed = parseStreamMessage(message.data, executionId, message.lastEventId ?? '', Date.now());
        if (!parsed) return;
        if (parsed.kind === 'notice') {
          refetchSoon();
          return;
        }
        dispatch({ type: 'event', executionId, event: parsed.event });
        // The stream closes once the execution has ended, dropping a pending throttled call,
        // so the final record is fetched at once.
        if (parsed.event.event === 'finished') refetchRef.current();
        else if (parsed.event.event === 'nodeFinished') refetchSoon();
      };
      es.onerror = () => {
        // A ticket is good for one connection, so the browser's own reconnect would be refused.
        es.close();
        if (source === es) source = null;
        setOpen(false);
        reconnectLater();
      };
    };

    void connect();
    return () => {
      stopped = true;
      refetchSoon.cancel();
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      source?.close();
      setOpen(false);
    };
  }, [executionId, ended, getTicket]);

  return {
    execution: merged.execution,
    nodeStatus: merged.nodeStatus,
    live: open && !ended,
    loading: !!executionId && !merged.execution && query.isFetching,
    error: merged.execution ? undefined : query.error,
    refetch,
  };
}
