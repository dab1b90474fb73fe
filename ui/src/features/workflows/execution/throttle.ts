// Calls `fn` at once, then at most once per `ms`: calls made meanwhile collapse into one trailing
// call, so the last change is always fetched.
export interface Throttled {
  (): void;
  cancel: () => void;
}

export function throttle(fn: () => void, ms: number, now: () => number = Date.now): Throttled {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    last = now();
    fn();
  };
  const call = (() => {
    if (timer !== undefined) return;
    const wait = last + ms - now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  }) as Throttled;
  call.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return call;
}
