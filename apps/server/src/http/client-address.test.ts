import { describe, expect, it } from "vitest";
import { clientAddress, defaultTrustedProxies } from "./client-address.js";

describe("clientAddress", () => {
  it("is the peer of a direct caller, whatever it claims to forward", () => {
    expect(clientAddress("203.0.113.7", "10.0.0.1", defaultTrustedProxies)).toBe("203.0.113.7");
  });

  it("is the last forwarded hop behind a trusted proxy, and nobody for the proxy's own calls", () => {
    const proxies = ["127.0.0.1", "::1"];
    expect(clientAddress("127.0.0.1", "198.51.100.1, 203.0.113.9", proxies)).toBe("203.0.113.9");
    expect(clientAddress("::1", null, proxies)).toBeUndefined();
    expect(clientAddress("127.0.0.1", " ", proxies)).toBeUndefined();
  });

  it("trusts nobody by default: an app on the server's host cannot speak for another client", () => {
    expect(clientAddress("127.0.0.1", "203.0.113.9", defaultTrustedProxies)).toBe("127.0.0.1");
  });
});
