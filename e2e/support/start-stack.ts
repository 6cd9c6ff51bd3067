// Run with tsx by e2e/support/stack.ts: an isolated Berth (temp data dir, free ports) for one test file.
// Prints one JSON line on stdout when ready; stops and deletes the data dir when stdin closes or on SIGTERM.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseOidcConfig } from "../../apps/bff/src/oidc/oidc-config.js";
import { startOidcTestProvider } from "../../apps/bff/test/helpers/oidc-test-provider.js";
import { deployDemo, repoRoot } from "../../scripts/quickstart/demo-app.js";
import { latestApp, waitForEntrypoints } from "../../scripts/quickstart/demo-status.js";
import { startStack } from "../../scripts/quickstart/start-stack.js";

const { values } = parseArgs({
  options: { demo: { type: "boolean", default: false }, oidc: { type: "boolean", default: false } },
});
const dataDir = mkdtempSync(join(tmpdir(), "berth-e2e-"));
// A real OIDC provider on 127.0.0.1 (the `oidc-provider` package), offered as "Local SSO": dora (deployers),
// adam (admins), nora (marketing, mapped to nothing), devi (developers, mapped to deployer).
const idp = values.oidc
  ? await startOidcTestProvider({
      dora: { email: "dora@example.com", groups: ["deployers"] },
      adam: { email: "adam@example.com", groups: ["admins"] },
      nora: { email: "nora@example.com", groups: ["marketing"] },
      // A developer new to the team: the portal journey follows Get started as her.
      devi: { email: "devi@example.com", groups: ["developers"] },
    })
  : undefined;
const oidcProviders = idp
  ? parseOidcConfig(
      JSON.stringify({
        providers: [
          {
            id: "local",
            displayName: "Local SSO",
            issuer: idp.issuer,
            clientId: idp.clientId,
            clientSecret: idp.clientSecret,
            scopes: ["openid", "email", "groups"],
            rules: [
              { group: "admins", role: "admin" },
              { group: "deployers", role: "deployer" },
              // As docs/sign-in.md's examples map developers: they ship their own apps.
              { group: "developers", role: "deployer" },
            ],
          },
        ],
      }),
      "e2e oidc config",
    ).providers
  : undefined;
const stack = await startStack({
  dataDir,
  apiPort: 0,
  routerPort: 0,
  bffPort: 0,
  // BERTH_WEB_DIST: another build of the dashboard (e.g. a deliberately broken one, to see a journey fail).
  webDistDir: process.env.BERTH_WEB_DIST || join(repoRoot, "apps/web/dist"),
  fastShutdown: true,
  stopAppsOnExit: true,
  oidcProviders,
});
// The browser may use either name of the loopback dashboard; each gets its own callback URL. "team" is the
// provider the oidc-providers journey adds in the dashboard, as the same client at the same provider.
await idp?.register(
  ...["local", "team"].flatMap((id) => [
    `${stack.bff.url}/auth/oidc/${id}/callback`,
    `${stack.dashboardUrl}/auth/oidc/${id}/callback`,
  ]),
);

let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= stack
    .close()
    .catch((e: unknown) => {
      process.stderr.write(`stack: close failed: ${String(e)}\n`);
    })
    .then(() => idp?.close())
    .finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(`${dataDir}-apps`, { recursive: true, force: true }); // the server's default apps dir
      process.exit(0);
    });
  return stopping;
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The test runner holds our stdin: when it goes away (even by a crash), so do we.
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();

try {
  const admin = await stack.loginToken({ role: "admin", name: "e2e tester" });
  const commits = values.demo
    ? await deployDemo({ apiUrl: stack.apiUrl, token: admin.secret, output: "stderr" })
    : [];
  const app = await latestApp(stack.server.ctx.store.db);
  // Journeys start from what a person sees a moment after a deploy: every instance's entrypoint connected.
  if (!(await waitForEntrypoints(stack.server, 20_000)))
    process.stderr.write("stack: some instances' entrypoints did not connect within 20 s\n");
  process.stdout.write(
    `${JSON.stringify({
      event: "ready",
      dashboardUrl: stack.bff.url,
      apiUrl: stack.apiUrl,
      routerPort: stack.server.routerPort,
      token: admin.secret,
      loginLink: await stack.loginLink(),
      dataDir,
      project: app?.project ?? "",
      app: app?.app ?? "",
      appUrl: app ? stack.appUrl(app.project, app.app) : "",
      deploymentUrls: app ? commits.map((_, i) => stack.deploymentUrl(app.project, app.app, i + 1)) : [],
      commits,
      oidcIssuer: idp?.issuer,
      oidcClient: idp ? { id: idp.clientId, secret: idp.clientSecret } : undefined,
    })}\n`,
  );
} catch (e) {
  process.stderr.write(`stack: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  await stop();
}
