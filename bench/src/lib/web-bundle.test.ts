import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { firstLoadBundle } from "./web-bundle.js";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("firstLoadBundle", () => {
  it("counts the entry and its static imports, transitively, but not dynamic imports", () => {
    dir = mkdtempSync(join(tmpdir(), "berth-bundle-test-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(
      join(dir, "index.html"),
      '<script type="module" crossorigin src="/assets/index-A.js"></script><link rel="stylesheet" href="/assets/a.css">',
    );
    writeFileSync(
      join(dir, "assets/index-A.js"),
      'import{a}from"./vendor-B.js";const p=()=>import("./lazy-C.js");',
    );
    writeFileSync(join(dir, "assets/vendor-B.js"), 'import "./shared-D.js";export const a=1;');
    writeFileSync(join(dir, "assets/shared-D.js"), "export const d=1;");
    writeFileSync(join(dir, "assets/lazy-C.js"), "x".repeat(10_000));
    writeFileSync(join(dir, "assets/a.css"), "body{}");
    const b = firstLoadBundle(dir);
    expect(b.entry).toBe("assets/index-A.js");
    expect(b.staticChunks.sort()).toEqual(["assets/shared-D.js", "assets/vendor-B.js"]);
    expect(b.rawBytes).toBeLessThan(200);
    expect(b.gzipBytes).toBeGreaterThan(0);
    expect(b.cssGzipBytes).toBeGreaterThan(0);
  });
});
