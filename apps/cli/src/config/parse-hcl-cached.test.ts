import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.js";
import { parseBerthConfig } from "./parse-berth-config.js";
import {
  type HclParser,
  hcl2jsonParser,
  hclCacheKey,
  hclParserVersion,
  parseHclCached,
} from "./parse-hcl-cached.js";

const refs = { sha: "0123456789abcdef0123456789abcdef01234567", tag: "", dirty: false };

const hcl = `project = "shop"

app "web" {
  build {
    use "archive" {}
  }
  deploy {
    use "process" {
      command = "node server.js"
      count   = 2
    }
  }
}
`;

describe("parseHclCached", () => {
  let cacheDir: string;
  let calls: string[];
  // The real hcl2json behind a counter: the boundary where the Go-WASM runtime would start.
  const parse: HclParser = (name, source) => {
    calls.push(source);
    return hcl2jsonParser(name, source);
  };
  const entryPath = (source: string) => join(cacheDir, "hcl", `${hclCacheKey("berth.hcl", source)}.json`);

  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), "berth-hcl-cache-"));
    calls = [];
  });
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

  it("parses an unchanged file once: the second parse comes from the cache, not the parser", async () => {
    const first = await parseHclCached("berth.hcl", hcl, { cacheDir, parse });
    const second = await parseHclCached("berth.hcl", hcl, { cacheDir, parse });
    expect(calls).toHaveLength(1);
    expect(second).toEqual(first);
    // Written through a temp file and a rename: only the entry is left.
    expect(readdirSync(join(cacheDir, "hcl"))).toEqual([`${hclCacheKey("berth.hcl", hcl)}.json`]);
  });

  it("re-parses a changed file", async () => {
    await parseHclCached("berth.hcl", hcl, { cacheDir, parse });
    const changed = hcl.replace("count   = 2", "count   = 3");
    const config = await parseBerthConfig("berth.hcl", changed, refs, { cacheDir, parse });
    expect(calls).toEqual([hcl, changed]);
    expect(config.apps[0]?.deploy.count).toBe(3);
  });

  it.each([
    ["truncated JSON", (good: string) => good.slice(0, good.length / 2)],
    ["an older entry format", (good: string) => good.replace('"format":1', '"format":0')],
    [
      "another file's entry (hash mismatch)",
      (good: string) => good.replace(/"key":"[0-9a-f]+"/, `"key":"${"0".repeat(64)}"`),
    ],
    ["an entry without a JSON object", (good: string) => good.replace(/"json":.*\}$/, '"json":null}')],
    ["an empty file", () => ""],
  ])("ignores %s, re-parses and replaces the entry", async (_what, corrupt) => {
    await parseHclCached("berth.hcl", hcl, { cacheDir, parse });
    const good = readFileSync(entryPath(hcl), "utf8");
    writeFileSync(entryPath(hcl), corrupt(good));
    const config = await parseBerthConfig("berth.hcl", hcl, refs, { cacheDir, parse });
    expect(calls).toHaveLength(2);
    expect(config.apps[0]?.deploy.count).toBe(2);
    expect(readFileSync(entryPath(hcl), "utf8")).toBe(good);
    await parseHclCached("berth.hcl", hcl, { cacheDir, parse });
    expect(calls).toHaveLength(2);
  });

  it("stays bounded: a miss drops the least recently used entries beyond maxEntries, a hit keeps its entry", async () => {
    const texts = ["a", "b", "c"].map((name) => hcl.replace('project = "shop"', `project = "${name}"`));
    const [a = "", b = "", c = ""] = texts;
    await parseHclCached("berth.hcl", a, { cacheDir, parse, maxEntries: 2 });
    await parseHclCached("berth.hcl", b, { cacheDir, parse, maxEntries: 2 });
    // a older than b; then a hit on a makes b the least recently used.
    const past = (ms: number) => new Date(Date.now() - ms);
    utimesSync(entryPath(a), past(20_000), past(20_000));
    utimesSync(entryPath(b), past(10_000), past(10_000));
    await parseHclCached("berth.hcl", a, { cacheDir, parse, maxEntries: 2 });
    expect(statSync(entryPath(a)).mtimeMs).toBeGreaterThan(Date.now() - 5000);
    await parseHclCached("berth.hcl", c, { cacheDir, parse, maxEntries: 2 });
    expect(calls).toEqual([a, b, c]);
    expect(readdirSync(join(cacheDir, "hcl")).sort()).toEqual(
      [entryPath(a), entryPath(c)].map((p) => p.slice(p.lastIndexOf("/") + 1)).sort(),
    );
    // The dropped entry is parsed again next time; the kept ones are not.
    await parseHclCached("berth.hcl", b, { cacheDir, parse, maxEntries: 2 });
    await parseHclCached("berth.hcl", c, { cacheDir, parse, maxEntries: 2 });
    expect(calls).toEqual([a, b, c, b]);
  });

  it("ignores an entry it cannot read and still parses", async () => {
    mkdirSync(entryPath(hcl), { recursive: true });
    await parseHclCached("berth.hcl", hcl, { cacheDir, parse });
    const config = await parseBerthConfig("berth.hcl", hcl, refs, { cacheDir, parse });
    expect(calls).toHaveLength(2);
    expect(config.project).toBe("shop");
  });

  it("does not cache invalid HCL: each parse reports file:line:col from the parser", async () => {
    const broken = 'project = "shop"\napp "web" {\n  build {\n';
    for (let i = 0; i < 2; i++) {
      const err = await parseBerthConfig("berth.hcl", broken, refs, { cacheDir, parse }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toMatch(/^berth\.hcl:\d+:\d+: Unclosed configuration block/);
    }
    expect(calls).toHaveLength(2);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it("keeps validation errors at file:line:col when the parse comes from the cache", async () => {
    const wrong = hcl.replace("count   = 2", 'count   = "two"');
    for (let i = 0; i < 2; i++) {
      const err = await parseBerthConfig("berth.hcl", wrong, refs, { cacheDir, parse }).catch(
        (e: unknown) => e,
      );
      expect((err as ConfigError).message).toBe(
        'berth.hcl:10:7: "count" must be a whole number from 1 to 100, got string "two"',
      );
    }
    expect(calls).toHaveLength(1);
  });

  it("keys entries by the installed parser's version", () => {
    const installed = JSON.parse(
      readFileSync(new URL(import.meta.resolve("@cdktf/hcl2json/package.json")), "utf8"),
    ) as { version: string };
    expect(hclParserVersion).toBe(`@cdktf/hcl2json@${installed.version}`);
  });
});
