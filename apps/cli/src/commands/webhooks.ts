import { GitService, WebhookDeliverySchema, WebhookOutcome } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "commander";
import { colors } from "../output/colors.js";
import { enumName } from "../output/enum-name.js";
import { printJsonList } from "../output/print-json.js";
import { relativeTime } from "../output/relative-time.js";
import { renderTable, truncate } from "../output/table.js";
import { resolveProject } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";

/** `berth webhooks secret|show|deliveries`: the project's inbound webhook that forges call on a push. */
export function registerWebhooksCommands(program: Command): void {
  const cmd = program
    .command("webhooks")
    .description("the project's inbound webhook: a push to an app's tracked branch builds and deploys it");
  cmd
    .command("secret")
    .description("make (or replace) the project's webhook secret; it is printed once, on stdout")
    .option("--project <name>", "the project (default: from berth.hcl)")
    .option("--json", "print JSON (the secret and the endpoint's URL)")
    .action(async (flags: { project?: string; json?: boolean }, c: Command) => {
      const project = await resolveProject(flags);
      const api = apiClientFor(c);
      const res = await api.client(GitService).createWebhookSecret({ project });
      const url = `${api.context.server.replace(/\/+$/, "")}${res.path}`;
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ url, secret: res.secret }, null, 2)}\n`);
        return;
      }
      process.stderr.write(
        [
          `Webhook of ${project}: ${colors.bold(url)}`,
          "Forge settings: content type application/json, the push event, this secret",
          "(GitHub/Gitea/Forgejo: the webhook's secret; GitLab: its secret token). Shown only now:",
          "",
        ].join("\n"),
      );
      process.stdout.write(`${res.secret}\n`);
    });
  cmd
    .command("show")
    .description("whether the project has a webhook secret, and the endpoint's URL")
    .option("--project <name>", "the project (default: from berth.hcl)")
    .action(async (flags: { project?: string }, c: Command) => {
      const project = await resolveProject(flags);
      const api = apiClientFor(c);
      const res = await api.client(GitService).getWebhook({ project });
      const url = `${api.context.server.replace(/\/+$/, "")}${res.path}`;
      process.stdout.write(
        res.configured
          ? `${url}\nsecret made by ${res.createdBy?.name || "?"} ${relativeTime(res.createdAt ? timestampMs(res.createdAt) : undefined)}\n`
          : `${url}\nno secret yet: berth webhooks secret --project ${project}\n`,
      );
    });
  cmd
    .command("deliveries")
    .description("what forges sent, newest first: accepted (with the builds), ignored or rejected, and why")
    .option("--limit <n>", "how many to show (at most 500)", (v) => Number(v), 30)
    .option("--project <name>", "the project (default: from berth.hcl)")
    .option("--json", "print JSON")
    .action(async (flags: { limit: number; project?: string; json?: boolean }, c: Command) => {
      if (!Number.isInteger(flags.limit) || flags.limit < 1 || flags.limit > 500)
        throw new Error("--limit must be a whole number 1-500");
      const project = await resolveProject(flags);
      const { deliveries } = await apiClientFor(c)
        .client(GitService)
        .listWebhookDeliveries({ project, pageSize: flags.limit });
      if (flags.json) return printJsonList(WebhookDeliverySchema, deliveries);
      if (deliveries.length === 0) {
        process.stdout.write("No deliveries yet.\n");
        return;
      }
      const rows = deliveries.map((d) => [
        relativeTime(d.receivedAt ? timestampMs(d.receivedAt) : undefined),
        d.forge || "-",
        truncate(d.deliveryId, 36),
        d.event || "-",
        `${d.ref.replace(/^refs\/heads\//, "")}${d.sha ? ` ${d.sha.slice(0, 7)}` : ""}` || "-",
        `${enumName(WebhookOutcome, d.outcome)} ${d.statusCode}`,
        truncate(d.builds.length > 0 ? d.builds.map((b) => `${b.app} ${b.jobId}`).join(", ") : d.reason, 70),
      ]);
      process.stdout.write(
        `${renderTable(["WHEN", "FORGE", "DELIVERY", "EVENT", "REF", "OUTCOME", "BUILDS / WHY"], rows)}\n`,
      );
    });
}
