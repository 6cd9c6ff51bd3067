import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { createTokenStreams } from "./token-streams.js";

const abortReason = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) => signal.addEventListener("abort", () => resolve(signal.reason)));

describe("createTokenStreams", () => {
  it("ends every stream of a revoked token with Unauthenticated, and no other token's", () => {
    const streams = createTokenStreams();
    const a1 = streams.open("a");
    const a2 = streams.open("a");
    const b = streams.open("b");
    expect(streams.size).toBe(3);
    streams.revoke(["a"]);
    expect(a1.signal.aborted && a2.signal.aborted).toBe(true);
    expect(a1.signal.reason).toMatchObject({ code: Code.Unauthenticated, rawMessage: "token revoked" });
    expect(b.signal.aborted).toBe(false);
    expect(streams.size).toBe(1);
  });

  it("forgets a closed stream", () => {
    const streams = createTokenStreams();
    const s = streams.open("a");
    s.close();
    s.close();
    expect(streams.size).toBe(0);
    streams.revoke(["a"]);
    expect(s.signal.aborted).toBe(false);
  });

  it("ends a stream when its token expires", async () => {
    const streams = createTokenStreams();
    const s = streams.open("a", Date.now() + 30);
    const reason = await abortReason(s.signal);
    expect(reason).toBeInstanceOf(ConnectError);
    expect(reason).toMatchObject({ code: Code.Unauthenticated, rawMessage: "token expired" });
    expect(streams.size).toBe(0);
  });

  it("hands a stream over to a renewed token", () => {
    const streams = createTokenStreams();
    const s = streams.open("old", Date.now() + 10);
    s.handOver("new", Date.now() + 60_000);
    streams.revoke(["old"]);
    expect(s.signal.aborted).toBe(false);
    streams.revoke(["new"]);
    expect(s.signal.aborted).toBe(true);
  });

  it("does not end a stream of a token that expires after the longest timer", () => {
    const streams = createTokenStreams();
    const s = streams.open("a", Date.now() + 40 * 24 * 3600 * 1000);
    expect(s.signal.aborted).toBe(false);
    s.close();
  });
});
