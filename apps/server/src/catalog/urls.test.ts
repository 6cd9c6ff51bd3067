import { describe, expect, it } from "vitest";
import { appUrl, deploymentUrl } from "./urls.js";

describe("urls", () => {
  const opts = { baseDomain: "localhost", routerPort: 9702 };

  it("builds the public app URL from app, project, domain and port", () => {
    expect(appUrl("shop", "web", opts)).toBe("http://web.shop.localhost:9702");
  });

  it("builds a per-deployment URL with the --v<N> suffix", () => {
    expect(deploymentUrl("shop", "web", 3, opts)).toBe("http://web--v3.shop.localhost:9702");
    expect(deploymentUrl("shop", "api", 120, { baseDomain: "example.test", routerPort: 80 })).toBe(
      "http://api--v120.shop.example.test:80",
    );
  });
});
