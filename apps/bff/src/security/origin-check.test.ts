import { describe, expect, it } from "vitest";
import { checkOrigin, expectedOrigin } from "./origin-check.js";

describe("expectedOrigin", () => {
  it("prefers the configured public URL", () => {
    expect(expectedOrigin(new URL("https://berth.example.com/app"), "http", "127.0.0.1:9700")).toBe(
      "https://berth.example.com",
    );
  });
  it("falls back to the request's scheme and Host", () => {
    expect(expectedOrigin(undefined, "http", "localhost:9700")).toBe("http://localhost:9700");
  });
});

describe("checkOrigin", () => {
  const expected = "http://localhost:9700";
  it("accepts the same origin", () => {
    expect(checkOrigin({ origin: "http://localhost:9700" }, expected)).toBe("same");
  });
  it("refuses another origin, another port and the opaque null origin", () => {
    expect(checkOrigin({ origin: "http://evil.example" }, expected)).toBe("cross");
    expect(checkOrigin({ origin: "http://localhost:9701" }, expected)).toBe("cross");
    expect(checkOrigin({ origin: "null" }, expected)).toBe("cross");
  });
  it("uses Referer when Origin is missing", () => {
    expect(checkOrigin({ referer: "http://localhost:9700/apps/shop" }, expected)).toBe("same");
    expect(checkOrigin({ referer: "http://evil.example/x" }, expected)).toBe("cross");
    expect(checkOrigin({ referer: "not a url" }, expected)).toBe("cross");
  });
  it("reports when neither header is present", () => {
    expect(checkOrigin({}, expected)).toBe("absent");
  });
});
