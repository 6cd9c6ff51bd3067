import {
  type NotificationDelivery,
  NotificationDeliverySchema,
  NotificationDeliveryState,
  NotificationFormat,
  NotificationService,
  NotificationSubscriptionSchema,
} from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { type Command, InvalidArgumentError } from "commander";
import { cliJson } from "../output/cli-json.js";
import { enumName } from "../output/enum-name.js";
import { printJsonList } from "../output/print-json.js";
import { relativeTime } from "../output/relative-time.js";
import { renderTable, truncate } from "../output/table.js";
import { resolveProject } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";

const formats: Record<string, NotificationFormat> = {
  standard: NotificationFormat.STANDARD,
  slack: NotificationFormat.SLACK,
  json: NotificationFormat.JSON,
};

function parseFormat(value: string): NotificationFormat {
  const format = formats[value];
  if (format === undefined)
    throw new InvalidArgumentError(`expected standard, slack or json, got "${value}"`);
  return format;
}

/** `--event a,b --event c` → [a, b, c]. */
function collectEvents(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

/** "500×5, 200": each run of equal answers once, with its count. */
function attemptCodes(d: Pick<NotificationDelivery, "attempts">): string {
  const runs: { code: string; n: number }[] = [];
  for (const a of d.attempts) {
    const code = a.statusCode ? String(a.statusCode) : "error";
    const last = runs.at(-1);
    if (last?.code === code) last.n += 1;
    else runs.push({ code, n: 1 });
  }
  return runs.map((r) => (r.n > 1 ? `${r.code}×${r.n}` : r.code)).join(", ") || "-";
}

/** `berth notifications add|list|rm|deliveries|redeliver`: webhooks that hear about a project's events. */
export function registerNotificationsCommands(program: Command): void {
  const cmd = program
    .command("notifications")
    .description("send a project's events (failed builds and deploys, releases, rollbacks...) to webhooks");
  cmd
    .command("add")
    .description("subscribe a URL to events; a standard webhook's signing secret is printed once")
    .argument("<url>", "an http:// or https:// URL")
    .requiredOption(
      "--event <names>",
      "events, comma-separated or repeated: build.failed, deployment.failed, release, rollback, " +
        "release.auto_aborted, preview.ready, instance.crash_loop",
      collectEvents,
    )
    .option(
      "--format <format>",
      "standard (signed Standard Webhooks), slack or json",
      parseFormat,
      NotificationFormat.STANDARD,
    )
    .option("--description <text>", "what it is for")
    .option("--project <name>", "the project (default: from berth.hcl)")
    .option("--json", "print JSON (the subscription and its secret)")
    .action(
      async (
        url: string,
        flags: {
          event: string[];
          format: NotificationFormat;
          description?: string;
          project?: string;
          json?: boolean;
        },
        c: Command,
      ) => {
        const project = await resolveProject(flags);
        const res = await apiClientFor(c)
          .client(NotificationService)
          .createNotificationSubscription({
            project,
            url,
            format: flags.format,
            events: flags.event,
            description: flags.description ?? "",
          });
        const sub = res.subscription;
        if (flags.json) {
          const json = {
            subscription: sub ? cliJson(NotificationSubscriptionSchema, sub) : null,
            secret: res.secret,
          };
          process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
          return;
        }
        process.stderr.write(`Subscribed ${sub?.id ?? ""} to ${flags.event.join(", ")} of ${project}.\n`);
        if (res.secret) {
          process.stderr.write("Its signing secret (verify webhook-signature with it) is shown only now:\n");
          process.stdout.write(`${res.secret}\n`);
        }
      },
    );
  cmd
    .command("list")
    .description("the project's subscriptions")
    .option("--project <name>", "the project (default: from berth.hcl)")
    .option("--json", "print JSON")
    .action(async (flags: { project?: string; json?: boolean }, c: Command) => {
      const project = await resolveProject(flags);
      const { subscriptions } = await apiClientFor(c)
        .client(NotificationService)
        .listNotificationSubscriptions({ project });
      if (flags.json) return printJsonList(NotificationSubscriptionSchema, subscriptions);
      if (subscriptions.length === 0) {
        process.stdout.write(
          `No notifications in ${project} yet: berth notifications add <url> --event ...\n`,
        );
        return;
      }
      const rows = subscriptions.map((s) => [
        s.id,
        s.url,
        enumName(NotificationFormat, s.format),
        s.events.join(","),
        truncate(s.description, 40),
        relativeTime(s.createdAt ? timestampMs(s.createdAt) : undefined),
      ]);
      process.stdout.write(
        `${renderTable(["ID", "URL", "FORMAT", "EVENTS", "DESCRIPTION", "CREATED"], rows)}\n`,
      );
    });
  cmd
    .command("rm")
    .description("remove a subscription, its pending deliveries and its delivery log")
    .argument("<id>", "the subscription's id (berth notifications list)")
    .option("--project <name>", "the project (default: from berth.hcl)")
    .action(async (id: string, flags: { project?: string }, c: Command) => {
      const project = await resolveProject(flags);
      await apiClientFor(c).client(NotificationService).deleteNotificationSubscription({ project, id });
      process.stdout.write(`Removed ${id}.\n`);
    });
  cmd
    .command("deliveries")
    .description("the delivery log, newest first: each event sent, its state and every attempt's answer")
    .option("--subscription <id>", "only this subscription's")
    .option("--limit <n>", "how many to show (at most 1000)", (v) => Number(v), 30)
    .option("--project <name>", "the project (default: from berth.hcl)")
    .option("--json", "print JSON (with every attempt and the body sent)")
    .action(
      async (
        flags: { subscription?: string; limit: number; project?: string; json?: boolean },
        c: Command,
      ) => {
        if (!Number.isInteger(flags.limit) || flags.limit < 1 || flags.limit > 1000)
          throw new Error("--limit must be a whole number 1-1000");
        const project = await resolveProject(flags);
        const { deliveries } = await apiClientFor(c)
          .client(NotificationService)
          .listNotificationDeliveries({
            project,
            subscriptionId: flags.subscription ?? "",
            pageSize: flags.limit,
          });
        if (flags.json) return printJsonList(NotificationDeliverySchema, deliveries);
        if (deliveries.length === 0) {
          process.stdout.write("No deliveries yet.\n");
          return;
        }
        const rows = deliveries.map((d) => [
          d.id,
          relativeTime(d.createdAt ? timestampMs(d.createdAt) : undefined),
          d.event,
          enumName(NotificationDeliveryState, d.state),
          attemptCodes(d),
          truncate(d.summary, 60),
        ]);
        process.stdout.write(
          `${renderTable(["ID", "WHEN", "EVENT", "STATE", "ANSWERS", "SUMMARY"], rows)}\n`,
        );
      },
    );
  cmd
    .command("redeliver")
    .description("send a delivery again now (same webhook-id, a new attempt)")
    .argument("<delivery-id>", "the delivery's id (berth notifications deliveries)")
    .option("--project <name>", "the project (default: from berth.hcl)")
    .action(async (deliveryId: string, flags: { project?: string }, c: Command) => {
      const project = await resolveProject(flags);
      await apiClientFor(c).client(NotificationService).redeliverNotification({ project, deliveryId });
      process.stdout.write(`Queued ${deliveryId} again; see berth notifications deliveries.\n`);
    });
}
