import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { isConnectionLost } from "./call-failure.js";

describe("isConnectionLost", () => {
  it("counts errors the client stack made, a reset connection (Aborted) included", () => {
    for (const code of [Code.Unavailable, Code.Canceled, Code.Unknown, Code.Internal, Code.Aborted])
      expect(isConnectionLost(new ConnectError("read ECONNRESET", code)), Code[code]).toBe(true);
  });

  it("does not count an answer the server sent (it carries response metadata) or a refusal", () => {
    const fromServer = new ConnectError("aborted by the server", Code.Aborted, {
      "content-type": "application/grpc",
    });
    expect(isConnectionLost(fromServer)).toBe(false);
    expect(isConnectionLost(new ConnectError("no", Code.PermissionDenied))).toBe(false);
  });
});
