import { describe, expect, it } from "vitest";
import { abortable } from "./abortable.js";
import { createPushQueue } from "./push-queue.js";

describe("abortable", () => {
  it("passes items through and ends with the source", async () => {
    const q = createPushQueue<number>();
    q.push(1);
    q.push(2);
    q.end();
    const seen: number[] = [];
    for await (const n of abortable(q, new AbortController().signal)) seen.push(n);
    expect(seen).toEqual([1, 2]);
  });

  it("throws the abort reason while the source is still waiting, and returns the source", async () => {
    let returned = false;
    const never = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<number>>(() => {}),
        return: async () => {
          returned = true;
          return { done: true as const, value: undefined };
        },
      }),
    };
    const ac = new AbortController();
    const reading = abortable(never, ac.signal).next();
    ac.abort(new Error("token revoked"));
    await expect(reading).rejects.toThrow("token revoked");
    expect(returned).toBe(true);
  });

  it("throws at once when the signal already aborted", async () => {
    const q = createPushQueue<number>();
    q.push(1);
    const ac = new AbortController();
    ac.abort(new Error("gone"));
    await expect(abortable(q, ac.signal).next()).rejects.toThrow("gone");
  });
});
