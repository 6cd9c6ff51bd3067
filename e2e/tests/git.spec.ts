// Builds from a repository, as a new user would wire one: a bare git repository on disk holds hello-node with
// a `source { git { … } }` block; `berth up --remote` builds it on the server (no working tree involved); a
// webhook secret made in the dashboard signs a GitHub-style push of a second commit, which the server builds,
// deploys and releases by itself; the history says who triggered what; Deploy commit… does it from a button.
import { execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { signIn } from "../support/dashboard.js";
import { eventually, getApp, repoRoot, useStack } from "../support/stack.js";

// The stack's server reads this bare repository through file://, which servers allow only when told to; the
// stack copies the environment when it starts (the next beforeAll), so other journeys' stacks do not get it.
const savedFileUrls = process.env.BERTH_GIT_FILE_URLS;
test.beforeAll(() => {
  process.env.BERTH_GIT_FILE_URLS = "1";
});
const stack = useStack();
test.beforeAll(() => {
  if (savedFileUrls === undefined) delete process.env.BERTH_GIT_FILE_URLS;
  else process.env.BERTH_GIT_FILE_URLS = savedFileUrls;
});
const work = mkdtempSync(join(tmpdir(), "berth-e2e-git-"));
const tree = join(work, "tree");
const bare = join(work, "hello.git");
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    [
      "-c",
      "user.name=Grace Hopper",
      "-c",
      "user.email=grace@example.com",
      "-c",
      "init.defaultBranch=main",
      ...args,
    ],
    { cwd, encoding: "utf8" },
  ).trim();
}

function commitVersion(version: string, message: string): string {
  const file = join(tree, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8")) as { version?: string };
  pkg.version = version;
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  git(tree, "commit", "-q", "-am", message);
  git(tree, "push", "-q", bare, "main");
  return git(tree, "rev-parse", "HEAD");
}

function berth(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const configDir = mkdtempSync(join(tmpdir(), "berth-e2e-git-cli-"));
  const child = spawn(process.execPath, [join(repoRoot, "apps/cli/bin/berth.js"), ...args], {
    cwd: tree,
    env: {
      ...process.env,
      BERTH_SERVER: stack().apiUrl,
      BERTH_TOKEN: stack().token,
      BERTH_CONFIG_DIR: configDir,
      FORCE_COLOR: "0",
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      rmSync(configDir, { recursive: true, force: true });
      resolve({ code: code ?? -1, stdout, stderr });
    }),
  );
}

function postWebhook(path: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(stack().apiUrl);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path,
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

test("berth up --remote, a signed push webhook and Deploy commit… build the repository on the server", async ({
  page,
}) => {
  test.setTimeout(180_000);
  cpSync(join(repoRoot, "examples/hello-node"), tree, { recursive: true });
  const hcl = readFileSync(join(tree, "berth.hcl"), "utf8")
    .replace('project = "examples"', 'project = "gitshop"')
    .replace("count   = 2", "count   = 1")
    .replace(
      "  build {",
      `  source {\n    git {\n      url          = "file://${bare}"\n      auto_release = true\n    }\n  }\n\n  build {`,
    );
  writeFileSync(join(tree, "berth.hcl"), hcl);
  git(tree, "init", "-q");
  git(tree, "add", "-A");
  git(tree, "commit", "-q", "-m", "first commit from the repository");
  git(work, "clone", "-q", "--bare", tree, bare);
  const first = git(tree, "rev-parse", "HEAD");

  // An uncommitted change in the working tree: a remote build must not see it.
  writeFileSync(join(tree, "local-only.txt"), "not committed\n");
  const up = await berth(["up", "--remote"]);
  expect(up.code, up.stderr).toBe(0);
  expect(up.stderr).toContain("gitshop/hello-node @ main (remote)");
  expect(up.stderr).toContain(`Fetch file://${bare}`);
  const appUrl = /App URL:\s+(\S+)/.exec(up.stdout)?.[1] ?? "";
  expect(appUrl).toContain("hello-node.gitshop.localhost");
  expect(JSON.parse((await getApp(appUrl)).body)).toMatchObject({ sha: first, version: "1.0.0" });

  await signIn(page, stack());
  await page.goto(`${stack().dashboardUrl}/p/gitshop/a/hello-node/deployments`);
  await expect(page.locator("body")).toContainText(/remote by \S+/);
  await expect(page.locator("body")).toContainText("first commit from the repository");

  // The project's webhook: a secret made in the dashboard, shown once.
  await page.goto(`${stack().dashboardUrl}/p/gitshop`);
  await page.getByRole("link", { name: "Webhooks" }).click();
  await expect(page.getByTestId("webhook-path")).toHaveText("POST /webhooks/gitshop");
  await expect(page.getByText("Nothing received yet")).toBeVisible();
  await page.getByRole("button", { name: "Create secret" }).click();
  const secret = (await page.getByTestId("webhook-secret").textContent()) ?? "";
  expect(secret).toMatch(/^bwh_/);

  const second = commitVersion("2.0.0", "second commit, pushed");
  const body = JSON.stringify({
    ref: "refs/heads/main",
    after: second,
    repository: { clone_url: `file://${bare}` },
  });
  const sign = (key: string) => `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;
  const headers = { "x-github-event": "push", "x-github-delivery": "e2e-push-1" };
  expect(
    await postWebhook("/webhooks/gitshop", body, { ...headers, "x-hub-signature-256": sign("wrong") }),
  ).toBe(401);
  expect(
    await postWebhook("/webhooks/gitshop", body, { ...headers, "x-hub-signature-256": sign(secret) }),
  ).toBe(202);
  // Released by the server alone: the app URL serves the pushed commit.
  await eventually(async () => {
    expect(JSON.parse((await getApp(appUrl)).body)).toMatchObject({ sha: second, version: "2.0.0" });
  }, 90_000);
  expect(
    await postWebhook("/webhooks/gitshop", body, { ...headers, "x-hub-signature-256": sign(secret) }),
  ).toBe(200);
  // The page follows the project's events: the deliveries appear without a reload.
  const deliveries = page.getByRole("table", { name: "Webhook deliveries" });
  await expect(deliveries).toContainText("accepted");
  await expect(deliveries).toContainText("rejected");
  await expect(deliveries).toContainText("replayed delivery e2e-push-1");

  await page.goto(`${stack().dashboardUrl}/p/gitshop/a/hello-node/deployments`);
  await expect(page.locator("body")).toContainText("triggered by github webhook");
  await expect(page.locator("body")).toContainText("second commit, pushed");

  // Deploy commit…: the first commit again, by SHA, from the overview; it opens the build's job.
  await page.goto(`${stack().dashboardUrl}/p/gitshop/a/hello-node`);
  await page.getByRole("button", { name: "Deploy commit…" }).click();
  const dialog = page.getByRole("dialog", { name: "Deploy a commit of hello-node" });
  await dialog.getByLabel(/Commit SHA/).fill(first);
  await dialog.getByRole("button", { name: "Build and deploy" }).click();
  await expect(page).toHaveURL(/\/jobs\/[0-9A-Z]{26}$/);
  await expect(page.locator("body")).toContainText(first.slice(0, 7), { timeout: 60_000 });
});
