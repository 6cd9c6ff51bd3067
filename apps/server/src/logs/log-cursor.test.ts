import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { decodeLogCursor, encodeLogCursor } from "./log-cursor.js";

describe("log cursor", () => {
  it("round-trips", () => {
    const c = {
      timeMs: 123,
      seqs: new Map([
        ["a", 5],
        ["b", 9],
      ]),
    };
    expect(decodeLogCursor(encodeLogCursor(c))).toEqual(c);
  });

  it("rejects garbage with InvalidArgument", () => {
    for (const bad of ["", "nope", Buffer.from('{"v":2}').toString("base64url")]) {
      try {
        decodeLogCursor(bad);
        expect.unreachable();
      } catch (err) {
        expect(ConnectError.from(err).code).toBe(Code.InvalidArgument);
      }
    }
  });
});
