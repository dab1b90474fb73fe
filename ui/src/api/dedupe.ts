// Seed 6.1: identical requests in flight share one promise. RTK Query already does this for its
// queries; use this for raw calls (downloads, hand-made fetches) keyed by what makes them identical.
const pending = new Map<string, Promise<unknown>>();

export function dedupe<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const existing = pending.get(key);
  if (existing) return existing as Promise<T>;
  const promise = fn().finally(() => {
    pending.delete(key);
  });
  pending.set(key, promise);
  return promise;
}

/** How many keyed requests are in flight (for tests and diagnostics). */
export function pendingCount(): number {
  return pending.size;
}
