import { describe, expect, it } from "vitest";
import { normalizeRole } from "./auth-client.js";
import { createCsrfSource } from "./csrf-source.js";
import { parseExecControlFrame } from "./exec-socket.js";

describe("exec control frames", () => {
  it("reads started, exit and error frames", () => {
    expect(parseExecControlFrame('{"type":"started","sessionId":"s1","instanceId":"i1"}')).toEqual({
      type: "started",
      sessionId: "s1",
      instanceId: "i1",
    });
    expect(parseExecControlFrame('{"type":"exit","code":3}')).toEqual({
      type: "exit",
      code: 3,
      signal: undefined,
    });
    expect(parseExecControlFrame('{"type":"error","message":"no instance"}')).toEqual({
      type: "error",
      message: "no instance",
    });
  });

  it("ignores heartbeats and reports garbage", () => {
    expect(parseExecControlFrame('{"type":"ping"}')).toBeUndefined();
    expect(parseExecControlFrame("not json")?.type).toBe("error");
  });
});

describe("session helpers", () => {
  it("maps role spellings to our three roles", () => {
    expect(normalizeRole("ROLE_ADMIN")).toBe("admin");
    expect(normalizeRole(2)).toBe("deployer");
    expect(normalizeRole("viewer")).toBe("viewer");
    expect(normalizeRole(undefined)).toBe("viewer");
  });

  it("reads the double-submit cookie unless a token was set explicitly", () => {
    const csrf = createCsrfSource(() => "theme=dark; berth_csrf=abc%3D");
    expect(csrf.get()).toBe("abc=");
    csrf.set("from-me");
    expect(csrf.get()).toBe("from-me");
  });
});
