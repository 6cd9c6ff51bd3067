import { describe, expect, it } from "vitest";
import { clientAddress, defaultTrustedProxies } from "./client-address.js";

describe("clientAddress", () => {
  it("is the peer of a direct caller, whatever it claims to forward", () => {
    expect(clientAddress("203.0.113.7", "10.0.0.1", defaultTrustedProxies)).toBe("203.0.113.7");
  });

  it("is the last forwarded hop behind a trusted proxy, and nobody for the proxy's own calls", () => {
    expect(clientAddress("127.0.0.1", "198.51.100.1, 203.0.113.9", defaultTrustedProxies)).toBe(
      "203.0.113.9",
    );
    expect(clientAddress("::1", null, defaultTrustedProxies)).toBeUndefined();
    expect(clientAddress("127.0.0.1", " ", defaultTrustedProxies)).toBeUndefined();
  });

  it("trusts nobody with an empty list", () => {
    expect(clientAddress("127.0.0.1", "203.0.113.9", [])).toBe("127.0.0.1");
  });
});
