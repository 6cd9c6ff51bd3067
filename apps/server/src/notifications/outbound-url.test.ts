import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { checkOutboundUrl, shownUrl } from "./outbound-url.js";

describe("outbound URLs", () => {
  it("accepts http and https only, naming the field", () => {
    expect(checkOutboundUrl("https://hooks.example.com/x").host).toBe("hooks.example.com");
    expect(checkOutboundUrl("http://127.0.0.1:8080/hook").port).toBe("8080");
    for (const bad of [
      "ftp://example.com/x",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "not a url",
      "/relative",
    ]) {
      const err = ConnectError.from(catchError(() => checkOutboundUrl(bad)));
      expect(err.code, bad).toBe(Code.InvalidArgument);
      expect(err.rawMessage, bad).toMatch(/^url: /);
    }
  });

  it("hides everything after the first path segment, queries and credentials", () => {
    expect(shownUrl("https://hooks.slack.com/services/T000/B000/XXXXSECRET")).toBe(
      "https://hooks.slack.com/services/…",
    );
    expect(shownUrl("http://127.0.0.1:4000/hook")).toBe("http://127.0.0.1:4000/hook");
    expect(shownUrl("https://example.com/?token=abc")).toBe("https://example.com/…");
    expect(shownUrl("https://user:pw@example.com/h")).toBe("https://example.com/h/…");
    expect(shownUrl("https://example.com")).toBe("https://example.com");
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}
