// Text from apps and commits is rendered inert: a hostile commit message, branch, config value and log line
// (HTML and an OSC 8 `javascript:` hyperlink) are shown as text on every page that shows them, and nothing runs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { berthUp } from "../../scripts/quickstart/demo-app.js";
import { signIn } from "../support/dashboard.js";
import { callApi, useStack } from "../support/stack.js";

const stack = useStack();

const html = `<img src=x onerror="window.__xss=1;alert('xss')">`;
// OSC 8 hyperlink: ESC ] 8 ; ; URI ESC \ text ESC ] 8 ; ; ESC \
const osc8 = "\u001b]8;;javascript:alert('osc8')\u001b\\click me\u001b]8;;\u001b\\";
// Git refuses spaces and some punctuation in branch names, not markup.
const branch = "xss<img/src=x/onerror=alert(1)>";
const project = "xss";
const app = "hostile";

const berthHcl = `project = "${project}"

app "${app}" {
  build {
    use "archive" {
      command = ""
    }
  }
  deploy {
    use "process" {
      command = "node server.js"
      count   = 1
      health {
        path = "/healthz"
      }
    }
  }
}
`;

// The app prints the payloads once it listens, so they are in its log from the start.
const serverJs = `const http = require("node:http");
const server = http.createServer((req, res) => res.end("ok\\n"));
server.listen(Number(process.env.PORT), () => {
  console.log(${JSON.stringify(`log ${html}`)});
  console.log(${JSON.stringify(`log ${osc8}`)});
  console.log("hostile app listening");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Mallory <b>", "-c", "user.email=m@x.localhost", ...args], {
    cwd: dir,
    encoding: "utf8",
  }).trim();
}

const shas: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const s = stack();
  const dir = mkdtempSync(join(tmpdir(), "berth-xss-"));
  try {
    writeFileSync(join(dir, "berth.hcl"), berthHcl);
    writeFileSync(join(dir, "server.js"), serverJs);
    git(dir, "init", "-q", "-b", branch);
    for (const n of [1, 2]) {
      writeFileSync(join(dir, "version.txt"), `${n}\n`);
      git(dir, "add", "-A");
      git(dir, "commit", "-q", "-m", `commit ${n} ${html}\n\nbody ${osc8}`);
      await berthUp(dir, { apiUrl: s.apiUrl, token: s.token, output: "stderr" });
      shas.push(git(dir, "rev-parse", "HEAD"));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await callApi(s, "ConfigService/SetConfigVars", {
    scope: "CONFIG_SCOPE_APP",
    project,
    app,
    set: [{ name: "HOSTILE", value: html }],
  });
});

/** Fails the test on any dialog, and checks the page has no live markup from the payloads. */
function guard(page: Page): () => Promise<void> {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return async () => {
    expect(dialogs, "a dialog opened: some text was rendered as markup").toEqual([]);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    await expect(page.locator('a[href^="javascript:" i]')).toHaveCount(0);
  };
}

test("the server refuses markup in project and app names", async () => {
  await expect(
    callApi(stack(), "ProjectService/UpsertApplication", { app: { project, app: "<img src=x>" } }),
  ).rejects.toThrow(/HTTP 400/);
});

test("a hostile commit message, branch, config value and log line stay text on every page", async ({
  page,
}) => {
  const check = guard(page);
  const s = stack();
  await signIn(page, s);
  const base = `${s.dashboardUrl}/p/${project}/a/${app}`;
  const message = `commit 2 ${html}`;

  // Each page that shows commit text: the text arrives as text, and nothing in it became markup.
  const pages: Array<[string, string]> = [
    [`${s.dashboardUrl}/p/${project}`, app],
    [base, message],
    [`${base}/deployments`, message],
    [`${base}/deployments/v2`, message],
    [`${base}/builds`, message],
    [`${base}/releases`, "v2"],
    [`${base}/compare?a=v1&b=v2`, message],
    [`${s.dashboardUrl}/p/${project}/sha/${shas[1]}`, message],
    [`${s.dashboardUrl}/jobs`, "hostile"],
    [`${s.dashboardUrl}/audit`, "release"],
  ];
  for (const [url, text] of pages) {
    await page.goto(url);
    await expect(page.getByText(text).first(), url).toBeVisible();
    await check();
  }

  // The branch is shown somewhere on the deployment page, literally.
  await page.goto(`${base}/deployments/v2`);
  await expect(page.getByText(branch).first()).toBeVisible();
  await check();

  // The release dialog lists the commits between, with their messages (v1 is not released: it offers Release
  // only, which releases it back over v2).
  await page.goto(`${base}/deployments/v1`);
  await page.getByRole("button", { name: "Release", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText(message).first()).toBeVisible();
  await check();
  await page.keyboard.press("Escape");

  await page.goto(`${base}/config`);
  await expect(page.getByText(html).first()).toBeVisible();
  await check();

  await page.goto(`${base}/logs`);
  const log = page.getByRole("log", { name: "Log lines" });
  await expect(log).toContainText("hostile app listening");
  await expect(log.getByText(`log ${html}`).first()).toBeVisible();
  await expect(log).toContainText("click me");
  await check();

  // A job's output names the commit too.
  await page.goto(`${s.dashboardUrl}/jobs`);
  await page.getByRole("table", { name: "Jobs" }).getByRole("link").first().click();
  await expect(page.getByRole("heading").first()).toBeVisible();
  await check();
  expect(shas).toHaveLength(2);
});
