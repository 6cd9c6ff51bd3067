import { DeploymentService } from "@berth/proto";
import type { Command } from "commander";
import { sanitizeText } from "../output/sanitize-text.js";
import { resolveApp } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";
import { parseDeploymentSeq } from "./pick-deployment.js";

interface PinFlags {
  project?: string;
  app?: string;
  note?: string;
}

/** `berth pin vN [--note]`, `berth unpin vN` and `berth note vN TEXT`: mark deployments in their history. */
export function registerPinCommands(program: Command): void {
  const annotate = async (
    cmd: Command,
    flags: PinFlags,
    seq: number,
    change: (current: { pinned: boolean; note: string }) => { pinned: boolean; note: string },
  ) => {
    const app = await resolveApp(flags);
    const client = apiClientFor(cmd).client(DeploymentService);
    const { deployment } = await client.getDeployment({ app, seq });
    const next = change({ pinned: deployment?.pinned ?? false, note: deployment?.note ?? "" });
    const res = await client.annotateDeployment({ app, seq, ...next });
    const d = res.deployment;
    const note = d?.note ? ` — ${sanitizeText(d.note, { keepNewlines: false })}` : "";
    process.stdout.write(
      `${app.project}/${app.app} v${seq} is ${d?.pinned ? "pinned" : "not pinned"}${note}\n`,
    );
  };
  const target = (c: Command) =>
    c
      .argument("<deployment>", "the deployment, e.g. v3", parseDeploymentSeq)
      .option("--project <name>", "project (default: from berth.hcl)")
      .option("--app <name>", "application (default: from berth.hcl)");

  target(program.command("pin").description('mark a deployment known-good, e.g. --note "known good"'))
    .option("--note <text>", "a note shown in its history (replaces the current one)")
    .action((seq: number, flags: PinFlags, cmd: Command) =>
      annotate(cmd, flags, seq, (c) => ({ pinned: true, note: flags.note ?? c.note })),
    );
  target(program.command("unpin").description("remove a deployment's pin (its note stays)")).action(
    (seq: number, flags: PinFlags, cmd: Command) =>
      annotate(cmd, flags, seq, (c) => ({ ...c, pinned: false })),
  );
  target(program.command("note").description('set a deployment\'s note ("" clears it)'))
    .argument("<text>", "the note")
    .action((seq: number, text: string, flags: PinFlags, cmd: Command) =>
      annotate(cmd, flags, seq, (c) => ({ ...c, note: text })),
    );
}
