import { JobService } from "@berth/proto";
import { type Command, InvalidArgumentError } from "commander";
import { createJobEventRenderer, formatDuration } from "../jobs/render-job-events.js";
import { colors } from "../output/colors.js";
import { loadProject, selectApps } from "../ship/load-project.js";
import { type Phase, type ShipResult, shipApp } from "../ship/ship-app.js";
import { apiClientFor } from "./command-context.js";

interface ShipFlags {
  app?: string;
  json?: boolean;
  quiet?: boolean;
  build?: string;
  canary?: number;
  force?: boolean;
  reason?: string;
  remote?: boolean;
  ref?: string;
}

const titles: Record<Phase, string> = { build: "Build & push", deploy: "Deploy", release: "Release" };

export function parsePercent(value: string): number {
  const n = Number(value.replace(/%$/, ""));
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new InvalidArgumentError("must be a whole percentage 1-100");
  return n;
}

async function ship(phases: Phase[], flags: ShipFlags, cmd: Command): Promise<void> {
  const api = apiClientFor(cmd);
  const project = await loadProject(process.cwd());
  const results: (ShipResult & { app: string })[] = [];
  const human = !flags.json;
  // Ctrl-C cancels the job in flight instead of leaving it to time out on the server.
  let currentJob: string | undefined;
  process.once("SIGINT", () => {
    const cancel = currentJob
      ? api
          .client(JobService)
          .cancelJob({ id: currentJob })
          .catch(() => {})
      : Promise.resolve();
    void cancel.finally(() => {
      process.stderr.write(`\ninterrupted${currentJob ? `: cancelled job ${currentJob}` : ""}\n`);
      process.exit(130);
    });
  });
  if (flags.ref !== undefined && !flags.remote) throw new InvalidArgumentError("--ref goes with --remote");
  for (const app of selectApps(project.config, flags.app)) {
    if (flags.remote && !app.source)
      throw new Error(
        `app "${app.name}" has no git source to build remotely; add source { git { url = "…" } } to berth.hcl`,
      );
    if (human && flags.remote) {
      const ref = flags.ref || app.source?.git.ref;
      process.stderr.write(`${colors.bold(`${project.config.project}/${app.name}`)} @ ${ref} (remote)\n`);
    } else if (human) {
      const sha = project.git.sha
        ? ` @ ${project.git.sha.slice(0, 7)}${project.git.dirty ? colors.yellow(" (dirty)") : ""}`
        : "";
      process.stderr.write(`${colors.bold(`${project.config.project}/${app.name}`)}${sha}\n`);
    }
    const started = Date.now();
    const r = await shipApp({
      api,
      rootDir: project.dir,
      project: project.config.project,
      app,
      git: project.git,
      phases,
      buildId: flags.build,
      skipUnchanged: !flags.force,
      remote: flags.remote ? { ref: flags.ref ?? "" } : undefined,
      release: { canaryPercent: flags.canary, reason: flags.reason },
      onJob: (id) => {
        currentJob = id;
      },
      renderer: human ? () => createJobEventRenderer(process.stderr, !flags.quiet) : undefined,
      onPhase: human
        ? (phase, state, ms) => {
            if (state === "start") process.stderr.write(`${colors.cyan("▸")} ${titles[phase]}\n`);
            else process.stderr.write(colors.dim(`  ${titles[phase]} took ${formatDuration(ms ?? 0)}\n`));
          }
        : undefined,
    });
    results.push({ ...r, app: app.name });
    if (human && r.unchanged) {
      const lines = [
        `  nothing changed (v${r.unchanged.seq} already serves ${r.unchanged.sha.slice(0, 7)} with this config)`,
        r.appUrl && `  App URL:        ${colors.bold(r.appUrl)}`,
        colors.dim("  use --force to deploy anyway"),
      ].filter(Boolean);
      process.stdout.write(`${lines.join("\n")}\n`);
    } else if (human) {
      const lines = [
        r.artifactDigest &&
          `  Artifact:       ${r.artifactDigest.slice(0, 19)}… ${r.artifactSizeBytes} bytes`,
        r.deploymentUrl && `  Deployment URL: ${colors.bold(r.deploymentUrl)}`,
        r.appUrl && `  App URL:        ${colors.bold(r.appUrl)}`,
        `  Done in ${formatDuration(Date.now() - started)} (${r.timings.map((t) => `${t.phase} ${formatDuration(t.ms)}`).join(", ")})`,
      ].filter(Boolean);
      process.stdout.write(`${lines.join("\n")}\n`);
    }
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

/** `berth up`, `berth build`, `berth deploy`: the lifecycle from the working tree in the current directory. */
export function registerShipCommands(program: Command): void {
  program
    .command("up")
    .description("build, push, deploy and release the app(s) of ./berth.hcl")
    .option("--app <name>", "only this app")
    .option("--canary <percent>", "release as a canary taking this share of traffic", parsePercent)
    .option("--reason <text>", "why (recorded with the release)")
    .option(
      "--remote",
      "build the newest commit of the app's git source on the server, not this working tree",
    )
    .option("--ref <branch>", "with --remote: this branch or tag instead of the source's ref")
    .option(
      "--force",
      "build and deploy even if the released deployment already serves this commit and config",
    )
    .option("-q, --quiet", "hide build command output")
    .option("--json", "print the results as JSON")
    .action((flags: ShipFlags, cmd: Command) => ship(["build", "deploy", "release"], flags, cmd));
  program
    .command("build")
    .description("build the app(s) of ./berth.hcl from the working tree and push the artifact")
    .option("--app <name>", "only this app")
    .option(
      "--remote",
      "build the newest commit of the app's git source on the server, not this working tree",
    )
    .option("--ref <branch>", "with --remote: this branch or tag instead of the source's ref")
    .option("-q, --quiet", "hide build command output")
    .option("--json", "print the results as JSON")
    .action((flags: ShipFlags, cmd: Command) => ship(["build"], flags, cmd));
  program
    .command("deploy")
    .description("deploy the latest build (or --build ID) as a new deployment vN")
    .option("--app <name>", "only this app")
    .option("--build <id>", "the build to deploy (default: the latest successful one)")
    .option("--json", "print the results as JSON")
    .action((flags: ShipFlags, cmd: Command) => ship(["deploy"], flags, cmd));
}
