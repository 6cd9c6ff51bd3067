export interface PushQueue<T> extends AsyncIterable<T> {
  push(item: T): void;
  /**
   * Combines `item` with the last queued item when `merge` returns the combination (fewer, larger messages
   * while the consumer is behind); pushes it otherwise.
   */
  pushOrMerge(item: T, merge: (last: T, item: T) => T | undefined): void;
  /** Ends the iteration after the queued items. */
  end(): void;
  /** Bytes pushed and not yet taken by the consumer (the transport). */
  readonly pendingBytes: number;
}

export interface PushQueueOptions<T> {
  sizeOf?(item: T): number;
  /** Called after the consumer took an item (flow control resumes a producer here). */
  onTake?(pendingBytes: number): void;
}

/** An async iterable fed by push(), for request streams written from callbacks. */
export function createPushQueue<T>(options: PushQueueOptions<T> = {}): PushQueue<T> {
  const items: T[] = [];
  let ended = false;
  let pendingBytes = 0;
  let wake: (() => void) | undefined;
  return {
    push(item) {
      if (ended) return;
      items.push(item);
      pendingBytes += options.sizeOf?.(item) ?? 0;
      wake?.();
    },
    pushOrMerge(item, merge) {
      const last = items.at(-1);
      // Measured before merging: `merge` may grow `last` in place.
      const before = last === undefined ? 0 : (options.sizeOf?.(last) ?? 0);
      const merged = last === undefined || ended ? undefined : merge(last, item);
      if (merged === undefined) return this.push(item);
      pendingBytes += (options.sizeOf?.(merged) ?? 0) - before;
      items[items.length - 1] = merged;
    },
    end() {
      ended = true;
      wake?.();
    },
    get pendingBytes() {
      return pendingBytes;
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const item = items.shift();
        if (item !== undefined) {
          pendingBytes -= options.sizeOf?.(item) ?? 0;
          options.onTake?.(pendingBytes);
          yield item;
          continue;
        }
        if (ended) return;
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = undefined;
      }
    },
  };
}
