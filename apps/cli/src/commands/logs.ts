import { type GetLogStreamRequestSchema, LogService, OutputStream } from "@berth/proto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { type Command, InvalidArgumentError } from "commander";
import { parseDuration } from "../config/parse-duration.js";
import { colors } from "../output/colors.js";
import { logGapNotices } from "../output/log-gap-notices.js";
import { sanitizeText } from "../output/sanitize-text.js";
import { apiClientFor } from "./command-context.js";
import { addDeploymentTargetOptions, pickDeployment } from "./pick-deployment.js";

interface LogsFlags {
  project?: string;
  app?: string;
  deployment?: number;
  instance?: string;
  since?: number;
  tail?: number;
  follow?: boolean;
  timestamps?: boolean;
  raw?: boolean;
}

/** "5m" (ago) or an ISO time → epoch ms. */
export function parseSince(value: string, now = Date.now()): number {
  const ago = parseDuration(value);
  if (ago !== undefined) return now - ago;
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new InvalidArgumentError(
      `expected a duration like 5m or a time like 2025-01-02T15:04:05Z, got "${value}"`,
    );
  return t;
}

// A dropped connection (server restart, network) shows as one of these; the others are answers to act on.
// (A server killed mid-stream surfaces as Canceled on the client.)
const retriable = new Set([
  Code.Unavailable,
  Code.Aborted,
  Code.Canceled,
  Code.Unknown,
  Code.Internal,
  Code.DeadlineExceeded,
]);

const palette = [colors.cyan, colors.magenta, colors.yellow, colors.green, colors.blue, colors.red];

/** A short, stable tag per instance ("#ab12cd"), coloured per instance on a terminal. */
export function instanceTagger(): (instanceId: string) => string {
  const seen = new Map<string, string>();
  return (id) => {
    let tag = seen.get(id);
    if (!tag) {
      const paint = palette[seen.size % palette.length]!;
      tag = paint(`${id.slice(-6).toLowerCase()} |`);
      seen.set(id, tag);
    }
    return tag;
  };
}

/** `berth logs`: an app's logs, all instances merged by time (or one), optionally following. */
export function registerLogsCommand(program: Command): void {
  addDeploymentTargetOptions(
    program
      .command("logs")
      .description("show (and with -f follow) the logs of a deployment's instances, merged by time"),
  )
    .option("-i, --instance <id>", "only this instance")
    .option("--since <when>", "lines since a duration ago (5m) or a time", (v) => parseSince(v))
    .option("-n, --tail <lines>", "lines of history first (default 500)", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 100_000) throw new InvalidArgumentError("expected 0-100000");
      return n;
    })
    .option("-f, --follow", "keep printing new lines")
    .option("--timestamps", "prefix each line with its time")
    .option(
      "--raw",
      "print the app's bytes as they are (default: keep colours, strip other terminal controls)",
    )
    .action(async (flags: LogsFlags, cmd: Command) => {
      const api = apiClientFor(cmd);
      const deploymentId = flags.instance ? "" : (await pickDeployment(api, flags)).id;
      const tag = instanceTagger();
      const request: MessageInitShape<typeof GetLogStreamRequestSchema> = {
        deploymentId,
        instanceId: flags.instance ?? "",
        tailLines: flags.tail ?? 0,
        since: flags.since !== undefined ? timestampFromMs(flags.since) : undefined,
        follow: !!flags.follow,
      };
      const logs = api.client(LogService);
      // Lines are the app's own output: its colours are kept, but not links, titles, cursor moves or other
      // controls that would act on the reader's terminal (--raw opts out, e.g. to save them as written).
      const decoder = new TextDecoder();
      const body = (data: Uint8Array) =>
        flags.raw ? Buffer.from(data) : Buffer.from(sanitizeText(decoder.decode(data), { keepSgr: true }));
      let cursor = "";
      let attempt = 0;
      const ac = new AbortController();
      process.once("SIGINT", () => ac.abort());
      for (;;) {
        try {
          for await (const res of logs.getLogStream({ ...request, cursor }, { signal: ac.signal })) {
            attempt = 0;
            for (const notice of logGapNotices(res)) process.stderr.write(colors.dim(`${notice}\n`));
            const out: Buffer[] = [];
            for (const line of res.lines) {
              let prefix = `${tag(line.instanceId)} `;
              if (flags.timestamps && line.timestamp) {
                prefix = `${colors.dim(new Date(timestampMs(line.timestamp)).toISOString())} ${prefix}`;
              }
              if (line.stream === OutputStream.STDERR) prefix += colors.red("! ");
              out.push(Buffer.from(prefix), body(line.data), Buffer.from("\n"));
            }
            if (out.length > 0) process.stdout.write(Buffer.concat(out));
            cursor = res.cursor;
          }
          // The server never ends a follow by itself except when it stops (or its connection died quietly).
          if (!flags.follow || ac.signal.aborted) return;
          throw new ConnectError("the server ended the stream", Code.Unavailable);
        } catch (e) {
          const err = ConnectError.from(e);
          if (ac.signal.aborted) return;
          // A follower survives a server restart: resume from the cursor, no line twice.
          if (!flags.follow || !retriable.has(err.code) || attempt >= 20) throw err;
          if (attempt === 0)
            process.stderr.write(colors.dim(`… connection lost (${err.rawMessage}); reconnecting\n`));
          await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt++)));
        }
      }
    });
}
