import { describe, expect, it } from "vitest";
import { createPushQueue } from "./push-queue.js";

describe("createPushQueue", () => {
  it("merges into the last queued item and keeps the byte count right", async () => {
    const taken: number[] = [];
    const q = createPushQueue<Buffer>({ sizeOf: (b) => b.length, onTake: (n) => taken.push(n) });
    const join = (a: Buffer, b: Buffer) => (a.length + b.length <= 6 ? Buffer.concat([a, b]) : undefined);
    q.pushOrMerge(Buffer.from("ab"), join);
    q.pushOrMerge(Buffer.from("cd"), join);
    q.pushOrMerge(Buffer.from("efg"), join);
    expect(q.pendingBytes).toBe(7);
    q.end();
    const out: string[] = [];
    for await (const b of q) out.push(b.toString());
    expect(out).toEqual(["abcd", "efg"]);
    expect(taken).toEqual([3, 0]);
  });
});
