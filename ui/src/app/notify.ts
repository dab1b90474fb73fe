// Notifications from anywhere (the API client's interceptor runs outside React). The shell
// mounts <NotifyBridge/> inside antd's <App>, which hands its themed `notification` instance here;
// before that, messages are kept and shown once it arrives.
import type { NotificationInstance } from 'antd/es/notification/interface';

export type Level = 'success' | 'info' | 'warning' | 'error';
export interface Note {
  level: Level;
  title: string;
  description?: string;
  /** Identical keys within a few seconds are shown once (seed 003: repeated errors de-duplicated). */
  key?: string;
}

let instance: NotificationInstance | null = null;
const pending: Note[] = [];
const recent = new Map<string, number>();
const DEDUP_MS = 4000;

export function setNotificationInstance(next: NotificationInstance | null): void {
  instance = next;
  if (instance) pending.splice(0).forEach(show);
}

function show(note: Note): void {
  if (!instance) {
    pending.push(note);
    return;
  }
  instance[note.level]({ key: note.key, title: note.title, description: note.description, placement: 'topRight', style: { whiteSpace: 'pre-line' } });
}

export function notify(note: Note): void {
  const key = note.key ?? `${note.level}:${note.title}:${note.description ?? ''}`;
  const now = Date.now();
  const last = recent.get(key);
  if (last !== undefined && now - last < DEDUP_MS) return;
  recent.set(key, now);
  show({ ...note, key });
}
