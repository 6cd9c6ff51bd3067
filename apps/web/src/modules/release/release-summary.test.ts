import { ConfigChangeSchema, DeploymentSchema, GitInfoSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { artifactSizeChange, changeScope, releaseHeadline } from "./release-summary.js";

const dep = (seq: number, sha: string, configRevision = 1, artifactDigest = `sha256:${seq}`) =>
  create(DeploymentSchema, {
    seq,
    git: create(GitInfoSchema, { sha: sha.padEnd(40, "0") }),
    configRevision,
    artifactDigest,
  });

describe("release confirmation text", () => {
  it("names the app, both versions and short SHAs", () => {
    expect(releaseHeadline("web", dep(14, "a1b2c3d"), dep(12, "9f8e7d6"))).toBe(
      "web: v14 (a1b2c3d) → v12 (9f8e7d6)",
    );
  });

  it("says when nothing was released before, and works without git", () => {
    expect(releaseHeadline("web", undefined, create(DeploymentSchema, { seq: 1 }))).toBe(
      "web: nothing released → v1",
    );
  });

  it("names a canary split", () => {
    expect(releaseHeadline("web", dep(14, "a1b2c3d"), dep(15, "bbbbbbb"), 10)).toBe(
      "web: 10% → v15 (bbbbbbb), 90% stays on v14 (a1b2c3d)",
    );
  });

  it("says plainly whether code only or code and config change", () => {
    expect(changeScope(dep(14, "a", 3), dep(12, "b", 3), [])).toBe(
      "Code only: the config variables are the same.",
    );
    const change = create(ConfigChangeSchema, { name: "DB_URL", change: "changed" });
    expect(changeScope(dep(14, "a", 3), dep(12, "b", 2), [change])).toMatch(/^Code and config/);
    expect(changeScope(dep(14, "a", 3, "x"), dep(12, "b", 2, "x"), [change])).toMatch(/^Config only/);
    // Different revisions with identical effective values are still "code only".
    expect(changeScope(dep(14, "a", 3), dep(12, "b", 2), [])).toMatch(/^Code only/);
  });

  it("shows the artifact size change", () => {
    expect(artifactSizeChange(1024n * 1024n, 2n * 1024n * 1024n)).toBe("1.0 MB → 2.0 MB (+1.0 MB)");
  });
});
