import { describe, expect, it } from "vitest";
import { redactUrl } from "./build-bff.js";

describe("redactUrl", () => {
  it("hides login-link codes and leaves other paths alone", () => {
    expect(redactUrl("/auth/magic/berthc_abcdefghijklmnop")).toBe("/auth/magic/[redacted]");
    expect(redactUrl("/auth/magic/berthc_abc?x=1")).toBe("/auth/magic/[redacted]?x=1");
    expect(redactUrl("/auth/oidc/sso/callback?code=secret-code&state=s")).toBe(
      "/auth/oidc/sso/callback?[redacted]",
    );
    expect(redactUrl("/api/berth.v1.ProjectService/ListProjects")).toBe(
      "/api/berth.v1.ProjectService/ListProjects",
    );
  });
});
