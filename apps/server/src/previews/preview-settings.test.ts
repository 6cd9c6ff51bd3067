import { describe, expect, it } from "vitest";
import { branchMatches, previewConfigJson, previewSettingsOf } from "./preview-settings.js";

describe("preview settings", () => {
  it("reads the stored preview block with its defaults", () => {
    expect(previewSettingsOf(JSON.stringify({ name: "web" }))).toBeUndefined();
    expect(previewSettingsOf(JSON.stringify({ preview: {} }))).toEqual({
      branches: [],
      forks: false,
      expireAfterMs: 0,
      env: {},
    });
    expect(
      previewSettingsOf(
        JSON.stringify({
          preview: {
            branches: ["feature/*"],
            forks: true,
            expireAfterMs: 3_600_000,
            config: { env: { DB: "preview" } },
            status: { apiUrl: "https://api.github.com", token: "GITHUB_TOKEN" },
          },
        }),
      ),
    ).toEqual({
      branches: ["feature/*"],
      forks: true,
      expireAfterMs: 3_600_000,
      env: { DB: "preview" },
      status: { apiUrl: "https://api.github.com", token: "GITHUB_TOKEN" },
    });
  });

  it("matches branch patterns segment by segment", () => {
    expect(branchMatches("feature/*", "feature/login")).toBe(true);
    expect(branchMatches("feature/*", "feature/a/b")).toBe(false);
    expect(branchMatches("feature/**", "feature/a/b")).toBe(true);
    expect(branchMatches("fix-*", "fix-1.2")).toBe(true);
    expect(branchMatches("main", "mainline")).toBe(false);
  });

  it("makes a preview app's config: the PR branch, released, env overlaid, no preview block", () => {
    const base = JSON.stringify({
      name: "web",
      config: { env: { DB: "prod", KEEP: "1" } },
      source: { git: { url: "file:///r.git", ref: "main", path: "." } },
      preview: { config: { env: { DB: "preview" } } },
    });
    const json = JSON.parse(previewConfigJson(base, "feature/x", previewSettingsOf(base)!));
    expect(json.preview).toBeUndefined();
    expect(json.config.env).toEqual({ DB: "preview", KEEP: "1" });
    expect(json.source.git).toEqual({ url: "file:///r.git", ref: "feature/x", path: ".", autoRelease: true });
  });
});
