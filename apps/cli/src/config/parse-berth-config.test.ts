import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.js";
import { detectApp, renderBerthHcl } from "./init-config.js";
import { formatHclDiagnostics, parseBerthConfig } from "./parse-berth-config.js";

const refs = { sha: "0123456789abcdef0123456789abcdef01234567", tag: "", dirty: false };

const good = `project = "shop"

app "web" {
  labels = { team = "storefront" }
  build {
    use "archive" {
      command = "npm ci --omit=dev"
    }
  }
  deploy {
    use "process" {
      command = "node server.js --rev \${gitrefpretty()}"
      count   = 2
      health {
        path     = "/healthz"
        interval = "500ms"
        timeout  = "2s"
      }
    }
  }
  config {
    env = { GREETING = "hi \${gitrefhash()}" }
  }
}
`;

// Parses go through the HCL cache: keep its entries in a temp dir, not the user's cache.
let cacheDir: string;
const savedCacheDir = process.env.BERTH_CACHE_DIR;
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), "berth-parse-cache-"));
  process.env.BERTH_CACHE_DIR = cacheDir;
});
afterAll(() => {
  if (savedCacheDir === undefined) delete process.env.BERTH_CACHE_DIR;
  else process.env.BERTH_CACHE_DIR = savedCacheDir;
  rmSync(cacheDir, { recursive: true, force: true });
});

async function errorOf(source: string, file = "berth.hcl"): Promise<ConfigError> {
  const err = await parseBerthConfig(file, source, refs).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe("parseBerthConfig", () => {
  it("parses apps, plugins, health checks and git functions", async () => {
    const config = await parseBerthConfig("berth.hcl", good, refs);
    expect(config.project).toBe("shop");
    const web = config.apps[0]!;
    expect(web.name).toBe("web");
    expect(web.labels).toEqual({ team: "storefront" });
    expect(web.build).toEqual({ use: "archive", command: "npm ci --omit=dev", exclude: [] });
    expect(web.registry.use).toBe("server");
    expect(web.deploy.command).toBe("node server.js --rev 0123456");
    expect(web.deploy.count).toBe(2);
    expect(web.deploy.health).toEqual({
      path: "/healthz",
      intervalMs: 500,
      timeoutMs: 2000,
      startTimeoutMs: 30_000,
    });
    expect(web.config.env.GREETING).toBe(`hi ${refs.sha}`);
  });

  it("accepts the same config as JSON", async () => {
    const json = JSON.stringify({
      project: "shop",
      app: {
        api: { build: { use: { archive: {} } }, deploy: { use: { process: { command: "node a.js" } } } },
      },
    });
    const config = await parseBerthConfig("berth.json", json, { ...refs, dirty: true });
    expect(config.apps[0]?.deploy).toMatchObject({ command: "node a.js", count: 1 });
  });

  it("reports syntax errors at file:line:col", async () => {
    const err = await errorOf('project = "shop"\napp "web" {\n  build {\n');
    expect(err.message).toMatch(/^berth\.hcl:\d+:\d+: Unclosed configuration block/);
  });

  it("reads the catalog entry (description, owner, links) only when written, and places errors in it", async () => {
    const plain = (await parseBerthConfig("berth.hcl", good, refs)).apps[0]!;
    expect(Object.keys(plain)).not.toContain("links");
    const withCatalog = good.replace(
      '  labels = { team = "storefront" }',
      '  labels = { team = "storefront" }\n  description = "The shop front"\n  owner = "team-storefront"\n  links = { runbook = "https://wiki.example/runbook" }',
    );
    const web = (await parseBerthConfig("berth.hcl", withCatalog, refs)).apps[0]!;
    expect([web.description, web.owner, web.links]).toEqual([
      "The shop front",
      "team-storefront",
      { runbook: "https://wiki.example/runbook" },
    ]);
    const badLink = await errorOf(
      withCatalog.replace('"https://wiki.example/runbook"', '"javascript:alert(1)"'),
    );
    expect(badLink.message).toBe(
      'berth.hcl:7:13: link "runbook" must be an http(s) URL, got "javascript:alert(1)"',
    );
  });

  it("names the known platforms for an unknown one, at its position", async () => {
    const err = await errorOf(good.replace('use "process"', 'use "nomadd"'));
    expect(err.message).toBe(
      'berth.hcl:11:9: unknown deploy plugin "nomadd"; known: process, docker, kubernetes, nomad',
    );
  });

  it("reads a docker deploy's own attributes and places errors in them at file:line:col", async () => {
    const docker = good.replace(
      'use "process" {',
      'use "docker" {\n      image = "node:20-slim"\n      memory = "256m"\n      cpus = 0.5',
    );
    const deploy = (await parseBerthConfig("berth.hcl", docker, refs)).apps[0]!.deploy;
    expect(deploy.use).toBe("docker");
    expect(deploy.options).toEqual({ image: "node:20-slim", memory: "256m", cpus: 0.5 });
    expect((await parseBerthConfig("berth.hcl", good, refs)).apps[0]!.deploy).not.toHaveProperty("options");

    const badMemory = await errorOf(docker.replace('"256m"', '"lots"'));
    expect(badMemory.message).toBe('berth.hcl:13:7: "memory" must be a size like "256m" or "1g", got "lots"');
    const cache = await parseBerthConfig("berth.hcl", docker.replace("cpus = 0.5", "keep_images = 5"), refs);
    expect(cache.apps[0]!.deploy.options).toMatchObject({ keep_images: 5 });
    const badCache = await errorOf(docker.replace("cpus = 0.5", "keep_images = 2.5"));
    expect(badCache.message).toBe('berth.hcl:14:7: "keep_images" must be a whole number of images, got 2.5');
    const noImage = await errorOf(docker.replace('image = "node:20-slim"', ""));
    expect(noImage.message).toMatch(/^berth\.hcl:11:\d+: deploy "docker" needs an "image"/);
    // A docker attribute on the process platform is as unknown as a typo.
    const onProcess = await errorOf(good.replace("count   = 2", 'count   = 2\n      image = "x"'));
    expect(onProcess.message).toMatch(/^berth\.hcl:14:7: unexpected "image" in deploy "process"/);
  });

  it("reads a nomad deploy's attributes and places errors in them at file:line:col", async () => {
    const nomad = good.replace(
      'use "process" {',
      'use "nomad" {\n      address = "http://10.0.0.2:4646"\n      datacenters = ["dc1", "dc2"]\n      driver = "raw_exec"\n      canary = 1\n      token_env = "SHOP_NOMAD_TOKEN"',
    );
    const deploy = (await parseBerthConfig("berth.hcl", nomad, refs)).apps[0]!.deploy;
    expect(deploy.use).toBe("nomad");
    expect(deploy.options).toEqual({
      address: "http://10.0.0.2:4646",
      datacenters: "dc1,dc2",
      driver: "raw_exec",
      canary: 1,
      token_env: "SHOP_NOMAD_TOKEN",
    });
    const badDriver = await errorOf(nomad.replace('"raw_exec"', '"java"'));
    expect(badDriver.message).toBe(
      'berth.hcl:14:7: "driver" must be one of raw_exec, exec, docker, got "java"',
    );
    const badAddress = await errorOf(nomad.replace('"http://10.0.0.2:4646"', '"10.0.0.2:4646"'));
    expect(badAddress.message).toMatch(/^berth\.hcl:12:7: "address" must be the agent's URL/);
    const token = await errorOf(nomad.replace("canary = 1", 'canary = 1\n      token = "s3cret"'));
    expect(token.message).toMatch(/^berth\.hcl:16:7: "token" would keep the Nomad ACL token in berth\.hcl/);
    expect(token.message).not.toContain("s3cret");
    const typo = await errorOf(nomad.replace("canary = 1", 'canary = 1\n      namespce = "x"'));
    expect(typo.message).toMatch(
      /^berth\.hcl:16:7: unexpected "namespce" in deploy "nomad"; expected one of: .*namespace/,
    );
    const dockerDriver = await errorOf(nomad.replace('"raw_exec"', '"docker"'));
    expect(dockerDriver.message).toMatch(/^berth\.hcl:11:\d+: deploy "nomad" needs an "image"/);
  });

  it("reads a kubernetes deploy's attributes and places errors in them at file:line:col", async () => {
    const k8s = good.replace(
      'use "process" {',
      'use "kubernetes" {\n      image = "ghcr.io/acme/web:1.2"\n      namespace = "shop"\n      port = 8080\n      context = "prod"',
    );
    const deploy = (await parseBerthConfig("berth.hcl", k8s, refs)).apps[0]!.deploy;
    expect(deploy.use).toBe("kubernetes");
    expect(deploy.options).toEqual({
      image: "ghcr.io/acme/web:1.2",
      namespace: "shop",
      port: 8080,
      context: "prod",
    });

    const badNamespace = await errorOf(k8s.replace('namespace = "shop"', 'namespace = "Shop_NS"'));
    expect(badNamespace.message).toBe(
      'berth.hcl:13:7: "namespace" must be a Kubernetes namespace name (lowercase letters, digits, dashes), got "Shop_NS"',
    );
    const badPort = await errorOf(k8s.replace("port = 8080", "port = 70000"));
    expect(badPort.message).toBe(
      'berth.hcl:14:7: "port" must be a whole number from 1 to 65535, got number 70000',
    );
    const withService = await parseBerthConfig(
      "berth.hcl",
      k8s.replace('context = "prod"', 'service = "web"'),
      refs,
    );
    expect(withService.apps[0]!.deploy.options).toMatchObject({ service: "web" });
    const badService = await errorOf(k8s.replace('context = "prod"', 'service = "1web"'));
    expect(badService.message).toBe(
      'berth.hcl:15:7: "service" must be a Kubernetes Service name (lowercase letters, digits, dashes; a letter first), got "1web"',
    );
    const noImage = await errorOf(k8s.replace('image = "ghcr.io/acme/web:1.2"', ""));
    expect(noImage.message).toMatch(/^berth\.hcl:11:\d+: deploy "kubernetes" needs an "image"/);
    const unknown = await errorOf(k8s.replace("port = 8080", "replicas = 3"));
    expect(unknown.message).toMatch(
      /^berth\.hcl:14:7: unexpected "replicas" in deploy "kubernetes"; expected one of: command, count, max_parallel, health, image, kubeconfig/,
    );
  });

  it("reads max_parallel (config rollouts) only when given, and refuses a bad one", async () => {
    expect((await parseBerthConfig("berth.hcl", good, refs)).apps[0]!.deploy).not.toHaveProperty(
      "maxParallel",
    );
    const two = await parseBerthConfig(
      "berth.hcl",
      good.replace("count   = 2", "count   = 4\n      max_parallel = 2"),
      refs,
    );
    expect(two.apps[0]!.deploy.maxParallel).toBe(2);
    const err = await errorOf(good.replace("count   = 2", "count   = 2\n      max_parallel = 0"));
    expect(err.message).toBe(
      'berth.hcl:14:7: "max_parallel" must be a whole number from 1 to 100, got number 0',
    );
  });

  it("reads retention only when given, and points at a bad keep_unreleased", async () => {
    expect((await parseBerthConfig("berth.hcl", good, refs)).apps[0]).not.toHaveProperty("retention");
    const withRetention = good.replace(
      "  config {",
      "  retention {\n    keep_unreleased = 3\n  }\n  config {",
    );
    const config = await parseBerthConfig("berth.hcl", withRetention, refs);
    expect(config.apps[0]?.retention).toEqual({ keepUnreleased: 3 });
    const negative = await errorOf(withRetention.replace("keep_unreleased = 3", "keep_unreleased = -1"));
    expect(negative.message).toBe(
      'berth.hcl:22:5: "keep_unreleased" must be a whole number from 0 to 1000, got number -1',
    );
    const typo = await errorOf(withRetention.replace("keep_unreleased = 3", "keep = 3"));
    expect(typo.message).toContain('unexpected "keep" in retention; expected one of: keep_unreleased');
  });

  it("says what was expected for a wrong type", async () => {
    const err = await errorOf(good.replace("count   = 2", 'count   = "two"'));
    expect(err.message).toBe(
      'berth.hcl:13:7: "count" must be a whole number from 1 to 100, got string "two"',
    );
  });

  it("rejects unknown functions and attributes", async () => {
    const err = await errorOf(good.replace("gitrefhash()", "gitsha()").replace("count   = 2", "cuont = 2"));
    expect(err.lines).toHaveLength(2);
    expect(err.message).toContain(
      'unexpected "cuont" in deploy "process"; expected one of: command, count, max_parallel, health',
    );
    expect(err.message).toContain('unknown function "gitsha()"; known: gitrefpretty(), gitrefhash()');
  });

  it("reads build exclude patterns and points at a bad one", async () => {
    const withExclude = good.replace(
      'command = "npm ci --omit=dev"',
      'command = "npm ci --omit=dev"\n      exclude = ["*.log", "fixtures/", "!keep.log"]',
    );
    const config = await parseBerthConfig("berth.hcl", withExclude, refs);
    expect(config.apps[0]?.build).toEqual({
      use: "archive",
      command: "npm ci --omit=dev",
      exclude: ["*.log", "fixtures/", "!keep.log"],
    });
    const climbing = await errorOf(withExclude.replace('"fixtures/"', '"../secrets"'));
    expect(climbing.message).toBe(
      'berth.hcl:8:27: exclude pattern "../secrets" climbs out of the app\'s directory with ".."',
    );
    const notList = await errorOf(withExclude.replace('["*.log", "fixtures/", "!keep.log"]', '"*.log"'));
    expect(notList.message).toBe(
      'berth.hcl:8:7: "exclude" must be a list of patterns like ["*.log", "fixtures/"], got string "*.log"',
    );
  });

  it("reports malformed JSON with a position", async () => {
    const err = await errorOf('{"project": "x",\n  oops}', "berth.json");
    expect(err.message).toMatch(/^berth\.json:2:\d+: invalid JSON/);
  });
});

describe("formatHclDiagnostics", () => {
  it("splits several diagnostics", () => {
    expect(formatHclDiagnostics("parse config: [a.hcl:1,2-3: One; x., a.hcl:4,5-6,1: Two; y.]")).toEqual([
      "a.hcl:1:2: One; x.",
      "a.hcl:4:5: Two; y.",
    ]);
  });
});

describe("berth init", () => {
  it("writes a config that parses for a Node app", async () => {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const dir = await mkdtemp(join(tmpdir(), "berth-init-"));
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "Hello_Node", main: "server.js" }));
    const detected = await detectApp(dir);
    expect(detected).toMatchObject({ app: "hello-node", buildCommand: "", startCommand: "node server.js" });
    const config = await parseBerthConfig("berth.hcl", renderBerthHcl(detected), refs);
    expect(config.apps[0]?.name).toBe("hello-node");
  });

  it("reads a git source and points at a bad one without echoing a password", async () => {
    const withSource = (body: string) =>
      good.replace("  config {", `  source {\n    git {\n${body}\n    }\n  }\n  config {`);
    const config = await parseBerthConfig(
      "berth.hcl",
      withSource(
        '      url = "https://git.example.com/shop.git"\n      path = "apps/web/"\n      credentials = "GIT_TOKEN"',
      ),
      refs,
    );
    expect(config.apps[0]?.source).toEqual({
      git: {
        url: "https://git.example.com/shop.git",
        ref: "main",
        path: "apps/web",
        credentials: "GIT_TOKEN",
        autoRelease: false,
      },
    });
    const password = await errorOf(withSource('      url = "https://ada:hunter2@git.example.com/shop.git"'));
    expect(password.message).toMatch(/^berth\.hcl:23:7: "url" carries a password/);
    expect(password.message).not.toContain("hunter2");
    const ref = await errorOf(withSource('      url = "git@example.com:shop.git"\n      ref = "-x"'));
    expect(ref.message).toBe(
      'berth.hcl:24:7: "ref" must be a branch or tag name like "main" or "release/1.2", got "-x"',
    );
    const climb = await errorOf(withSource('      url = "file:///srv/shop.git"\n      path = "../etc"'));
    expect(climb.message).toContain('berth.hcl:24:7: "path" must be a directory inside the repository');
    const token = await errorOf(
      withSource('      url = "file:///srv/shop.git"\n      credentials = "ghp_abc-123"'),
    );
    expect(token.message).toContain('berth.hcl:24:7: "credentials" names a secret config var');
    expect(token.message).not.toContain("ghp_abc-123");
    const missing = await errorOf(withSource('      ref = "main"'));
    expect(missing.message).toContain('missing attribute "url"');
  });

  it("reads a preview block and points at a bad one by file:line:col", async () => {
    const withPreview = (body: string, source = true) =>
      good.replace(
        "  config {",
        `${source ? '  source {\n    git { url = "file:///srv/shop.git" }\n  }\n' : ""}  preview {\n${body}\n  }\n  config {`,
      );
    const config = await parseBerthConfig(
      "berth.hcl",
      withPreview(
        '    branches = ["feature/*"]\n    expire_after = "72h"\n    status {\n      api_url = "https://api.github.com/"\n      token = "GITHUB_STATUS_TOKEN"\n    }\n    config {\n      env = { DATABASE_URL = "postgres://db/previews" }\n    }',
      ),
      refs,
    );
    expect(config.apps[0]?.preview).toEqual({
      branches: ["feature/*"],
      forks: false,
      expireAfterMs: 72 * 3_600_000,
      config: { env: { DATABASE_URL: "postgres://db/previews" } },
      status: { apiUrl: "https://api.github.com", token: "GITHUB_STATUS_TOKEN" },
    });
    const expire = await errorOf(withPreview('    expire_after = "forever"'));
    expect(expire.message).toBe(
      'berth.hcl:25:5: "expire_after" must be a duration from "1m" to "90d" like "72h", got string "forever"',
    );
    const forks = await errorOf(withPreview('    forks = "yes"'));
    expect(forks.message).toBe('berth.hcl:25:5: "forks" must be true or false, got string "yes"');
    const token = await errorOf(
      withPreview('    status {\n      api_url = "https://api.github.com"\n      token = "ghp_x-1"\n    }'),
    );
    expect(token.message).toContain('berth.hcl:27:7: "token" names a secret config var');
    expect(token.message).not.toContain("ghp_x-1");
    const noSource = await errorOf(withPreview("    forks = false", false));
    expect(noSource.message).toContain("a preview is built from the app's repository");
  });

  it("refuses an app name with -- (reserved for deployment and preview URLs)", async () => {
    const err = await errorOf(good.replace('app "web"', 'app "web--pr-7"'));
    expect(err.message).toContain('contains "--", which is reserved');
  });
});
