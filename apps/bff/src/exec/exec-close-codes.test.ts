import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { closeForError, ExecCloseCode, exitedCloseCode } from "./exec-close-codes.js";

describe("exec close codes", () => {
  it("encodes the exit status in 4000-4255", () => {
    expect(exitedCloseCode(0)).toBe(4000);
    expect(exitedCloseCode(3)).toBe(4003);
    expect(exitedCloseCode(300)).toBe(4255);
    expect(exitedCloseCode(-1)).toBe(4000);
  });

  it("maps server errors to the documented codes", () => {
    const code = (c: Code) => closeForError(new ConnectError("x", c)).code;
    expect(code(Code.Unauthenticated)).toBe(ExecCloseCode.unauthenticated);
    expect(code(Code.PermissionDenied)).toBe(ExecCloseCode.permissionDenied);
    expect(code(Code.NotFound)).toBe(ExecCloseCode.instanceGone);
    expect(code(Code.FailedPrecondition)).toBe(ExecCloseCode.instanceGone);
    expect(code(Code.Unavailable)).toBe(ExecCloseCode.serverUnreachable);
    expect(code(Code.Internal)).toBe(ExecCloseCode.internalError);
    expect(closeForError(new Error("boom")).code).toBe(ExecCloseCode.internalError);
  });
});
