// Notifications from anywhere (the API client's interceptor runs outside React). The shell
// mounts <NotifyBridge/> inside antd's <App>, which hands its themed `notification` instance here;
// before that, messages are kept and shown once it arrives.
import type { NotificationInstance } from 'antd/es/notification/interface';
import { createElement, type MouseEvent, type ReactNode } from 'react';

export type Level = 'success' | 'info' | 'warning' | 'error';
export interface Note {
  level: Level;
  title: string;
  description?: string;
  /** Identical keys within a few seconds are shown once (seed 003: repeated errors de-duplicated). */
  key?: string;
  /** A studio page the notification is about, shown as a link under the description. */
  link?: { label: string; to: string };
}

let instance: NotificationInstance | null = null;
let navigate: ((to: string) => void) | null = null;
const pending: Note[] = [];
const recent = new Map<string, number>();
const DEDUP_MS = 4000;

export function setNotificationInstance(next: NotificationInstance | null): void {
  instance = next;
  if (instance) pending.splice(0).forEach(show);
}

/** The router's navigate, set by the shell, so links in notifications stay inside the app. */
export function setNotificationNavigator(next: ((to: string) => void) | null): void {
  navigate = next;
}

function linkTo(note: Note, key: string): ReactNode {
  if (!note.link) return null;
  const { label, to } = note.link;
  const onClick = (e: MouseEvent) => {
    if (!navigate || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(to);
    instance?.destroy(key);
  };
  return createElement('a', { href: to, onClick, 'data-testid': 'notification-link' }, label);
}

function show(note: Note): void {
  if (!instance) {
    pending.push(note);
    return;
  }
  const key = note.key ?? note.title;
  const link = linkTo(note, key);
  const description: ReactNode = link ? createElement('div', null, note.description ? createElement('div', null, note.description) : null, link) : note.description;
  instance[note.level]({ key, title: note.title, description, placement: 'topRight', style: { whiteSpace: 'pre-line' } });
}

export function notify(note: Note): void {
  const key = note.key ?? `${note.level}:${note.title}:${note.description ?? ''}`;
  const now = Date.now();
  const last = recent.get(key);
  if (last !== undefined && now - last < DEDUP_MS) return;
  recent.set(key, now);
  show({ ...note, key });
}
