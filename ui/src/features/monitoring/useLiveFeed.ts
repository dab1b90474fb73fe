// The dashboard's live feed: one RealtimeSocket to `/ws/metrics` while the dashboard is mounted,
// its `metric` messages into a LiveBuffer read with useSyncExternalStore, and its connection state.
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { LiveBuffer, WINDOW_MS, type MetricMessageData } from './liveMetrics';
import { RealtimeSocket, type ConnectionState } from './socket';

export interface LiveFeed {
  state: ConnectionState;
  buffer: LiveBuffer;
  /** Why the last connection ended, for the badge's tooltip. */
  lastClose: { code: number; reason: string } | null;
  reconnect: () => void;
}

export function useLiveFeed(): LiveFeed {
  const [buffer] = useState(() => new LiveBuffer());
  // `since`: the server first sends what it kept of the window (the charts fill at once), and
  // after a reconnection what came after the newest batch already drawn (nothing twice).
  const [socket] = useState(
    () =>
      new RealtimeSocket({
        path: '/ws/metrics',
        params: () => ({ since: new Date(buffer.newest() ?? Date.now() - WINDOW_MS).toISOString() }),
      }),
  );
  const [state, setState] = useState<ConnectionState>('connecting');
  const [lastClose, setLastClose] = useState(socket.lastClose);

  useEffect(() => {
    const offState = socket.onState((s) => {
      setState(s);
      setLastClose(socket.lastClose);
    });
    const offMessage = socket.onMessage((m) => {
      if (m.type === 'metric') buffer.add(m.timestamp, m.data as MetricMessageData);
    });
    socket.start();
    return () => {
      offState();
      offMessage();
      socket.stop();
      buffer.dispose();
    };
  }, [socket, buffer]);

  const reconnect = useCallback(() => {
    socket.stop();
    socket.start();
  }, [socket]);

  return { state, buffer, lastClose, reconnect };
}

/** The buffer's batches, re-rendering when a group of messages has arrived. */
export function useBatches(buffer: LiveBuffer) {
  return useSyncExternalStore(buffer.subscribe, buffer.getSnapshot, buffer.getSnapshot);
}
