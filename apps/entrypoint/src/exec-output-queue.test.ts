import { type EntrypointExecRequest, EntrypointExecRequestSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createExecOutputQueue } from "./exec-output-queue.js";

const text = (m: EntrypointExecRequest) =>
  m.msg.case === "output"
    ? `${m.msg.value.stderr ? "err:" : ""}${Buffer.from(m.msg.value.data)}`
    : (m.msg.case ?? "");

function queue(o: { high?: number; low?: number; maxMessageBytes?: number; now?: () => number } = {}) {
  const calls: string[] = [];
  const q = createExecOutputQueue({
    highWaterMark: o.high ?? 1 << 20,
    lowWaterMark: o.low ?? 256,
    maxMessageBytes: o.maxMessageBytes,
    // A clock that stands still unless a test moves it: "streaming" depends on it, never on the machine's speed.
    now: o.now ?? (() => 0),
    pause: () => calls.push("pause"),
    resume: () => calls.push("resume"),
  });
  // The transport: takes one message, and the next only when the test says the send is done.
  const it = q.messages[Symbol.asyncIterator]();
  return { q, calls, take: async () => text((await it.next()).value as EntrypointExecRequest) };
}

describe("createExecOutputQueue", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends the first chunk of an idle session at once, with no timer", async () => {
    // Fake timers never fire on their own: a timer-based batching window would hold the echo forever.
    vi.useFakeTimers();
    const { q, take } = queue();
    const echoed = take();
    q.output(Buffer.from("a"), false);
    await expect(echoed).resolves.toBe("a");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("joins the chunks that arrive while a send is in flight into one message", async () => {
    const { q, take } = queue();
    q.output(Buffer.from("first"), false);
    expect(await take()).toBe("first"); // in flight now
    q.output(Buffer.from("a"), false);
    q.output(Buffer.from("b"), false);
    q.output(Buffer.from("c"), false);
    expect(q.pendingBytes).toBe(3);
    expect(await take()).toBe("abc");
  });

  it("keeps stdout and stderr apart, in order", async () => {
    const { q, take } = queue();
    q.output(Buffer.from("1"), false);
    q.output(Buffer.from("2"), true);
    q.output(Buffer.from("3"), true);
    q.output(Buffer.from("4"), false);
    expect([await take(), await take(), await take()]).toEqual(["1", "err:23", "4"]);
  });

  it("bounds a joined message by maxMessageBytes", async () => {
    const { q, take } = queue({ maxMessageBytes: 8 });
    for (const s of ["abcd", "efgh", "ijkl", "m"]) q.output(Buffer.from(s), false);
    expect([await take(), await take()]).toEqual(["abcdefgh", "ijklm"]);
  });

  it("holds output that streams (large messages back to back) for at most the window, then sends it joined", async () => {
    vi.useFakeTimers();
    const { q, take } = queue();
    const full = Buffer.alloc(4096, "x");
    q.output(full, false);
    expect((await take()).length).toBe(4096); // idle: sent at once
    const next = take();
    let taken = false;
    void next.then(() => {
      taken = true;
    });
    q.output(Buffer.from("a"), false);
    q.output(Buffer.from("b"), false);
    await vi.advanceTimersByTimeAsync(1);
    expect(taken).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(next).resolves.toBe("ab");
  });

  it("never holds a small echo after small output, and sends held output before an exit", async () => {
    vi.useFakeTimers();
    const { q, take } = queue();
    q.output(Buffer.from("a"), false);
    expect(await take()).toBe("a");
    q.output(Buffer.from("b"), false); // right after a small message: not streaming
    expect(await take()).toBe("b");
    expect(vi.getTimerCount()).toBe(0);
    q.output(Buffer.alloc(4096, "x"), false);
    await take();
    q.output(Buffer.from("tail"), false); // held: streaming
    q.push(create(EntrypointExecRequestSchema, { msg: { case: "exit", value: { code: 0, signal: "" } } }));
    expect([await take(), await take()]).toEqual(["tail", "exit"]);
  });

  it("pauses the command above the high-water mark and resumes it at the low one", async () => {
    const { q, calls, take } = queue({ high: 10, low: 4, maxMessageBytes: 6 });
    for (const s of ["aaaaaa", "bbbbbb"]) q.output(Buffer.from(s), false);
    expect(calls).toEqual(["pause"]);
    await take(); // 6 bytes left: still above the low-water mark
    expect(calls).toEqual(["pause"]);
    await take();
    expect(calls).toEqual(["pause", "resume"]);
  });
});
