import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { formatError } from "./format-error.js";

describe("formatError", () => {
  it("shows the code and message of API errors on one line", () => {
    const e = new ConnectError('application "nope" not found in project "shop"', Code.NotFound);
    expect(formatError(e)).toBe('not_found: application "nope" not found in project "shop"');
    expect(formatError(new ConnectError("x", Code.PermissionDenied))).toBe("permission_denied: x");
  });

  it("uses the message of plain errors", () => {
    expect(formatError(new Error("not logged in"))).toBe("not logged in");
  });
});
