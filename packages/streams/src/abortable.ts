/**
 * `source`, ending with `signal.reason` thrown as soon as `signal` aborts, even while the source is
 * waiting for its next item (a source that ignores the signal cannot keep the reader waiting). The
 * source is then returned, so its `finally` blocks run once it wakes up.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  // Nobody may be awaiting it when the signal aborts.
  aborted.catch(() => {});
  let finished = false;
  try {
    for (;;) {
      const r = await Promise.race([it.next(), aborted]);
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
    if (!finished) it.return?.()?.catch(() => {});
  }
}
