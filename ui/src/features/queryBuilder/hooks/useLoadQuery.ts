// `/query?template=<id>` and `/query?history=<id>`: loads that query into the builder once.
// A history entry comes in the router state when opened from the history page; otherwise it is
// looked for in the caller's recent history (the API has no endpoint for one history entry).
import { useEffect, useRef, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import { useGetTemplateQuery, useLazyQueryHistoryQuery } from '../../../api/generated';
import { errorMessage } from '../../../api/errors';
import { useAppDispatch } from '../../../app/hooks';
import { fromDsl } from '../model/dsl';
import { queryBuilderActions as qb } from '../queryBuilderSlice';

export interface HistoryHandoff {
  historyEntry?: { id: string; query: object; datasourceId: string };
}

const HISTORY_PAGES = 5;
const HISTORY_PAGE_SIZE = 100;

export function useLoadQuery() {
  const dispatch = useAppDispatch();
  const [params] = useSearchParams();
  const location = useLocation();
  const templateId = params.get('template');
  const historyId = params.get('history');
  const loaded = useRef<string | null>(null);
  const [historyError, setHistoryError] = useState<string | null>(null);
  const [historyLoading, setHistoryLoading] = useState(false);
  const template = useGetTemplateQuery({ id: templateId ?? '' }, { skip: !templateId });
  const [fetchHistory] = useLazyQueryHistoryQuery();

  useEffect(() => {
    const key = templateId ? `template:${templateId}` : null;
    const t = template.data?.data;
    if (!key || !t || loaded.current === key || t.id !== templateId) return;
    loaded.current = key;
    dispatch(qb.queryLoaded(fromDsl(t.query, t.datasourceId ?? null)));
  }, [templateId, template.data, dispatch]);

  useEffect(() => {
    if (!historyId) return;
    const key = `history:${historyId}`;
    if (loaded.current === key) return;
    const handed = (location.state as HistoryHandoff | null)?.historyEntry;
    if (handed && handed.id === historyId) {
      loaded.current = key;
      dispatch(qb.queryLoaded(fromDsl(handed.query, handed.datasourceId)));
      return;
    }
    loaded.current = key;
    let cancelled = false;
    setHistoryLoading(true);
    setHistoryError(null);
    (async () => {
      for (let page = 1; page <= HISTORY_PAGES; page++) {
        const answer = await fetchHistory({ page, pageSize: HISTORY_PAGE_SIZE }).unwrap();
        const found = answer.data?.items.find((h) => h.id === historyId);
        if (found) {
          if (!cancelled) dispatch(qb.queryLoaded(fromDsl(found.query, found.datasourceId)));
          return;
        }
        if (!answer.data || page >= answer.data.totalPages) break;
      }
      if (!cancelled) setHistoryError('notFound');
    })()
      .catch((e: unknown) => {
        if (!cancelled) setHistoryError(errorMessage(e));
      })
      .finally(() => {
        if (!cancelled) setHistoryLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [historyId, location.state, fetchHistory, dispatch]);

  return {
    loading: template.isFetching || historyLoading,
    templateError: templateId ? template.error : undefined,
    templateName: template.data?.data?.name ?? null,
    historyError,
    refetchTemplate: template.refetch,
  };
}
