import { JobKind, JobSchema, JobService, JobState } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "commander";
import { followJob } from "../jobs/follow-job.js";
import { createJobEventRenderer, formatDuration } from "../jobs/render-job-events.js";
import { colors } from "../output/colors.js";
import { printJsonList } from "../output/print-json.js";
import { relativeTime } from "../output/relative-time.js";
import { renderTable } from "../output/table.js";
import { apiClientFor } from "./command-context.js";

const lower = (table: Record<number, string>, v: number) => (table[v] ?? "unknown").toLowerCase();
const stateColor: Record<number, (s: string) => string> = {
  [JobState.SUCCESS]: colors.green,
  [JobState.ERROR]: colors.red,
  [JobState.RUNNING]: colors.yellow,
};

/** `berth jobs` and `berth job show ID [-f]`. */
export function registerJobsCommands(program: Command): void {
  program
    .command("jobs")
    .description("list recent jobs (builds, deploys, releases, destroys)")
    .option("--project <name>", "only this project (with --app)")
    .option("--app <name>", "only this app")
    .option("--limit <n>", "how many", (v) => Number(v), 20)
    .option("--json", "print JSON")
    .action(
      async (flags: { project?: string; app?: string; limit: number; json?: boolean }, cmd: Command) => {
        const app = flags.project && flags.app ? { project: flags.project, app: flags.app } : undefined;
        const { jobs } = await apiClientFor(cmd).client(JobService).listJobs({ app, pageSize: flags.limit });
        if (flags.json) return printJsonList(JobSchema, jobs);
        const rows = jobs.map((j) => {
          const ms =
            j.finishedAt && j.startedAt ? timestampMs(j.finishedAt) - timestampMs(j.startedAt) : undefined;
          return [
            j.id,
            lower(JobKind, j.kind),
            `${j.project}/${j.app}`,
            (stateColor[j.state] ?? String)(lower(JobState, j.state)),
            ms === undefined ? "-" : formatDuration(ms),
            relativeTime(j.queuedAt ? timestampMs(j.queuedAt) : undefined),
            j.error.slice(0, 60),
          ];
        });
        process.stdout.write(
          `${renderTable(["ID", "KIND", "APP", "STATE", "TOOK", "QUEUED", "ERROR"], rows)}\n`,
        );
      },
    );
  const job = program.command("job").description("one job");
  job
    .command("show")
    .description("a job's output (replayed); -f follows it live until it ends")
    .argument("<id>", "job id")
    .option("-f, --follow", "follow until the job ends")
    .option("--json", "print the job as JSON")
    .action(async (id: string, flags: { follow?: boolean; json?: boolean }, cmd: Command) => {
      const api = apiClientFor(cmd);
      if (flags.json) {
        const { job: j } = await api.client(JobService).getJob({ id });
        return printJsonList(JobSchema, j ? [j] : []);
      }
      const stop = new AbortController();
      const { job: first } = await api.client(JobService).getJob({ id });
      const renderer = createJobEventRenderer(process.stdout);
      const running = first && (first.state === JobState.RUNNING || first.state === JobState.QUEUED);
      if (running && !flags.follow) setTimeout(() => stop.abort(), 300);
      const done = await followJob(api, id, renderer, stop.signal).catch(
        async () => (await api.client(JobService).getJob({ id })).job!,
      );
      const state = lower(JobState, done.state);
      process.stdout.write(
        `${lower(JobKind, done.kind)} ${done.project}/${done.app}: ${(stateColor[done.state] ?? String)(state)}${done.error ? ` — ${done.error}` : ""}\n`,
      );
      if (done.state === JobState.ERROR) process.exitCode = 1;
    });
}
