import { ReplicaSchema, ReplicaService } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "commander";
import { colors } from "../output/colors.js";
import { printJsonList } from "../output/print-json.js";
import { relativeTime } from "../output/relative-time.js";
import { renderTable } from "../output/table.js";
import { apiClientFor } from "./command-context.js";

/** `berth replicas`: the server replicas sharing the store, alive or dead, and the one that answered. */
export function registerReplicasCommand(program: Command): Command {
  return program
    .command("replicas")
    .description("list the server replicas sharing the store (alive or dead)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const res = await apiClientFor(cmd).client(ReplicaService).listReplicas({});
      if (opts.json) return printJsonList(ReplicaSchema, res.replicas);
      const rows = res.replicas.map((r) => [
        `${r.id}${r.current ? "*" : ""}`,
        r.apiUrl,
        r.alive ? colors.green("alive") : r.stoppedAt ? colors.dim("stopped") : colors.red("dead"),
        relativeTime(r.heartbeatAt ? timestampMs(r.heartbeatAt) : undefined),
        relativeTime(r.startedAt ? timestampMs(r.startedAt) : undefined),
        r.schemaVersion,
      ]);
      process.stdout.write(
        `${renderTable(["REPLICA", "API", "STATE", "LAST BEAT", "STARTED", "SCHEMA"], rows)}\n` +
          colors.dim(
            `* answered this request; dead after ${res.missedBeats} missed beats of ${res.heartbeatMs} ms\n`,
          ),
      );
    });
}
