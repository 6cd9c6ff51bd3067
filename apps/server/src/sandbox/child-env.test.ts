import { describe, expect, it } from "vitest";
import { childEnv } from "./child-env.js";

describe("childEnv", () => {
  it("keeps only allow-listed names of the parent, and the child's own vars win", () => {
    const parent = {
      PATH: "/usr/bin",
      HOME: "/root",
      LC_ALL: "C.UTF-8",
      AWS_SECRET_ACCESS_KEY: "secret",
      BERTH_DATA_DIR: "/var/lib/berth",
      GITHUB_TOKEN: "ghp_x",
    };
    expect(childEnv({ HOME: "/app", PORT: "3000" }, parent)).toEqual({
      PATH: "/usr/bin",
      HOME: "/app",
      LC_ALL: "C.UTF-8",
      PORT: "3000",
    });
  });
});
