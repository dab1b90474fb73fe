// A navigator usable outside React (the API client redirects to /login when a session ends).
// The router registers itself with setNavigator; before that, a full page load is used.
type Navigate = (path: string, options?: { replace?: boolean }) => void;

let navigator: Navigate | null = null;

export function setNavigator(next: Navigate | null): void {
  navigator = next;
}

export function navigateTo(path: string, options?: { replace?: boolean }): void {
  if (navigator) navigator(path, options);
  else if (typeof window !== 'undefined') window.location.assign(path);
}

/** The current in-app location (path + query), as `redirect=` targets carry it. */
export function currentPath(): string {
  if (typeof window === 'undefined') return '/';
  return `${window.location.pathname}${window.location.search}`;
}

/** `/login?redirect=<path>` for the current location (nothing to come back to from /login itself). */
export function loginPath(from: string = currentPath()): string {
  if (from.startsWith('/login') || from === '/' || from === '') return '/login';
  return `/login?redirect=${encodeURIComponent(from)}`;
}

/** A redirect target from the query string, kept to same-origin paths (no `//evil.example`). */
export function safeRedirect(target: string | null | undefined, fallback = '/'): string {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback;
  if (target.startsWith('/login')) return fallback;
  return target;
}
