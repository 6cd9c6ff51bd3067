import { describe, expect, it } from "vitest";
import { checkOrigin, expectedOrigins } from "./origin-check.js";

describe("expectedOrigins", () => {
  const local = ["http://localhost:9700", "http://127.0.0.1:9700", "http://[::1]:9700"];
  it("prefers the configured public URL", () => {
    expect(
      expectedOrigins(new URL("https://berth.example.com/app"), { address: "127.0.0.1", port: 9700 }),
    ).toEqual(["https://berth.example.com"]);
  });
  it("derives the local names from a loopback or all-interfaces listen address", () => {
    expect(expectedOrigins(undefined, { address: "127.0.0.1", port: 9700 })).toEqual(local);
    expect(expectedOrigins(undefined, { address: "::1", port: 9700 })).toEqual(local);
    expect(expectedOrigins(undefined, { address: "0.0.0.0", port: 9700 })).toEqual(local);
  });
  it("uses a specific listen address as it is, and nothing before listening", () => {
    expect(expectedOrigins(undefined, { address: "10.0.0.5", port: 80 })).toEqual(["http://10.0.0.5"]);
    expect(expectedOrigins(undefined, { address: "fd00::5", port: 8080 })).toEqual(["http://[fd00::5]:8080"]);
    expect(expectedOrigins(undefined, null)).toEqual([]);
  });
});

describe("checkOrigin", () => {
  const expected = ["http://localhost:9700"];
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
