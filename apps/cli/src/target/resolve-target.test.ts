import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveApp, resolveOptionalApp, resolveProject } from "./resolve-target.js";

const app = (name: string) =>
  `app "${name}" {\n  build {\n    use "archive" {}\n  }\n  deploy {\n    use "process" {\n      command = "node s.js"\n    }\n  }\n}\n`;

describe("resolving the target project and app", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "berth-target-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("prefers flags and needs no berth.hcl for them", async () => {
    expect(await resolveApp({ project: "p", app: "a" }, dir)).toEqual({ project: "p", app: "a" });
    expect(await resolveProject({ project: "p" }, dir)).toBe("p");
  });

  it("names the missing flag when there is no berth.hcl", async () => {
    await expect(resolveProject({}, dir)).rejects.toThrow("missing --project");
    await expect(resolveApp({ project: "p" }, dir)).rejects.toThrow("missing --app");
    expect(await resolveOptionalApp({ project: "p" }, dir)).toEqual({ project: "p", app: undefined });
  });

  it("takes the project and its only app from berth.hcl", async () => {
    writeFileSync(join(dir, "berth.hcl"), `project = "shop"\n\n${app("web")}`);
    expect(await resolveApp({}, dir)).toEqual({ project: "shop", app: "web" });
    expect(await resolveApp({ app: "other" }, dir)).toEqual({ project: "shop", app: "other" });
  });

  it("asks for --app when berth.hcl declares several", async () => {
    writeFileSync(join(dir, "berth.hcl"), `project = "shop"\n\n${app("web")}\n${app("worker")}`);
    await expect(resolveApp({}, dir)).rejects.toThrow(
      "missing --app (berth.hcl declares several apps (web, worker); pick one)",
    );
  });
});
