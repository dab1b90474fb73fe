// Mounted once in the Shell: for any signed-in user, one RealtimeSocket to `/ws` that turns `alert`
// messages (holders of metrics:read get them) and `notification` messages (workflow runs the user
// started) into notifications anywhere in the studio, and refreshes the alert lists.
//
// `/ws` also carries `metric` messages to metrics:read holders, which this component does not use.
// The server has no "no metrics" filter (an empty list means all of them), but a name filter
// selects exact names or `prefix*` patterns (crates/api/src/realtime/mod.rs `selected`), so the
// socket connects with `?names=` set to one exact name that no metric has: no batch is ever sent,
// from the first one on and after every reconnection, without a `subscribe` round trip. The
// dashboard opens its own `/ws/metrics` only while it is mounted.
import { useEffect, useRef } from 'react';
import { quarryApi } from '../../api/generated';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { notify } from '../../app/notify';
import type { AppDispatch } from '../../app/store';
import { translate, useLanguage, type Language } from '../../i18n';
import { alertLevel, parseAlert, parseNotification, patchRuleState, RecentKeys } from './alertRules';
import { RealtimeSocket, type RealtimeMessage } from './socket';

/** A metric name that cannot exist (metric names are dotted lowercase words). */
export const NO_METRICS = '-none-';

const recent = new RecentKeys();

/** Handles one `/ws` message; exported for tests and for anything else that reads `/ws`. */
export function handleRealtimeMessage(message: RealtimeMessage, dispatch: AppDispatch, language: Language): void {
  const t = (key: string, vars?: Record<string, string | number>) => translate(language, key, vars);
  if (message.type === 'alert') {
    const alert = parseAlert(message.data);
    if (!alert || recent.seen(`alert:${alert.id}`)) return;
    const firing = alert.state === 'firing';
    notify({
      level: alertLevel(alert),
      key: `alert:${alert.id}`,
      title: t(firing ? 'mon.notify.firing' : 'mon.notify.resolved', { name: alert.name, severity: t(`mon.severity.${alert.severity}`) }),
      description: `${alert.message || t('mon.notify.fallback', { metric: alert.metric })}\n${t('mon.notify.seeAlerts')}`,
    });
    dispatch(quarryApi.util.updateQueryData('listRules', undefined, (draft) => {
      if (draft.data) patchRuleState(draft.data, alert, message.timestamp ?? new Date().toISOString());
    }));
    // Rules, events and history all carry the `monitoring` tag: the mounted ones refetch.
    dispatch(quarryApi.util.invalidateTags(['monitoring']));
    return;
  }
  if (message.type === 'notification') {
    const note = parseNotification(message.data);
    if (!note) return;
    const key = `note:${note.level}:${note.title}:${note.message}:${message.timestamp ?? ''}`;
    if (recent.seen(key)) return;
    notify({
      level: note.level,
      key,
      title: note.title,
      description: [note.message, note.link && !note.studioPath ? t('mon.notify.link', { link: note.link }) : ''].filter(Boolean).join('\n') || undefined,
      link: note.studioPath ? { label: t('mon.notify.openExecution'), to: note.studioPath } : undefined,
    });
  }
}

export function RealtimeNotifier() {
  const dispatch = useAppDispatch();
  const language = useLanguage();
  const userId = useAppSelector((state) => (state.user.isAuthenticated ? state.user.currentUser?.id ?? null : null));
  // The language for messages that arrive between renders.
  const languageRef = useRef(language);
  useEffect(() => {
    languageRef.current = language;
  }, [language]);

  useEffect(() => {
    // No WebSocket (an old test environment, a server-side render): nothing to listen to.
    if (!userId || typeof WebSocket === 'undefined') return;
    const socket = new RealtimeSocket({ path: '/ws', names: [NO_METRICS] });
    const off = socket.onMessage((m) => handleRealtimeMessage(m, dispatch, languageRef.current));
    socket.start();
    return () => {
      off();
      socket.stop();
    };
  }, [userId, dispatch]);

  return null;
}

export default RealtimeNotifier;
