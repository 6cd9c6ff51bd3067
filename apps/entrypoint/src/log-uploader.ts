import { backoffDelayMs, sleep } from "@berth/failover";
import type { LogBatch, LogBuffer } from "./log-buffer.js";

export interface LogUploaderOptions {
  buffer: LogBuffer;
  /** Sends one batch; resolves once the server accepted it. */
  upload(batch: LogBatch, signal: AbortSignal): Promise<void>;
  /** Largest batch (a backlog after an outage or a burst goes in big batches). */
  maxBatchBytes?: number;
  maxBatchLines?: number;
  signal: AbortSignal;
  onError?(err: unknown): void;
}

export interface LogUploader {
  /** Retry now instead of waiting out the backoff (the session just reconnected). */
  kick(): void;
  /** Resolves when everything buffered was accepted, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean>;
  done: Promise<void>;
}

/**
 * Uploads buffered lines in batches, one batch in flight at a time, acknowledged before removal. Nagle-style, with
 * no timer: a line written while nothing is in flight goes out at once; lines written during a call wait for its
 * ack and then leave together as the next batch (a burst written in one tick is one batch anyway).
 */
export function createLogUploader(options: LogUploaderOptions): LogUploader {
  const { buffer, signal } = options;
  const maxBatchBytes = options.maxBatchBytes ?? 1024 * 1024;
  const maxBatchLines = options.maxBatchLines ?? 10_000;
  let wakePush: (() => void) | undefined;
  let kickRetry: AbortController | undefined;
  const drainWaiters = new Set<() => void>();

  // Only an idle loop listens: during a call, pushes just accumulate for the next batch.
  buffer.onPush = () => wakePush?.();
  const waitPush = () =>
    new Promise<void>((resolve) => {
      function done() {
        wakePush = undefined;
        signal.removeEventListener("abort", done);
        resolve();
      }
      wakePush = done;
      signal.addEventListener("abort", done, { once: true });
    });

  let inFlight: LogBatch | undefined;
  const hasWork = () => buffer.lines > 0 || buffer.droppedUnreported > 0n || inFlight !== undefined;

  const loop = async () => {
    let attempt = 0;
    while (!signal.aborted) {
      if (!hasWork()) {
        for (const w of drainWaiters) w();
        await waitPush();
        if (signal.aborted) break;
      }
      const batch = buffer.take(maxBatchBytes, maxBatchLines);
      inFlight = batch;
      try {
        await options.upload(batch, signal);
        attempt = 0;
      } catch (err) {
        buffer.putBack(batch);
        if (signal.aborted) break;
        options.onError?.(err);
        kickRetry = new AbortController();
        await sleep(
          backoffDelayMs(attempt++, { baseMs: 100, maxMs: 5_000 }),
          AbortSignal.any([signal, kickRetry.signal]),
        );
        kickRetry = undefined;
      } finally {
        inFlight = undefined;
      }
    }
    for (const w of drainWaiters) w();
  };

  return {
    kick: () => kickRetry?.abort(),
    drain(timeoutMs) {
      if (!hasWork()) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => finish(false), timeoutMs);
        const waiter = () => finish(!hasWork());
        function finish(ok: boolean) {
          clearTimeout(timer);
          drainWaiters.delete(waiter);
          resolve(ok);
        }
        drainWaiters.add(waiter);
      });
    },
    done: loop(),
  };
}
