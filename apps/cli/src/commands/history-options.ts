// What `berth builds` and `berth deployments` share: the filters of a history listing (--project, --app,
// --sha, --branch, --status), the HistoryFilter they become, and the git cells of a row.

import { type GitInfo, type HistoryFilter, HistoryFilterSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { type Command, InvalidArgumentError } from "commander";
import { truncate } from "../output/table.js";

/** The options of a history listing; `S` is the listing's status enum. */
export interface HistoryOptions<S> {
  project?: string;
  app?: string;
  sha?: string;
  branch?: string;
  status?: S[];
  limit: number;
  json?: boolean;
}

/** A proto enum as TypeScript emits it (names to numbers and back). */
type ProtoEnum = Record<string, string | number>;

/** The lower-case names a user may type for a status enum: every value but UNSPECIFIED. */
function statusNamesOf(statusEnum: ProtoEnum): string[] {
  return Object.keys(statusEnum)
    .filter((k) => Number.isNaN(Number(k)) && k !== "UNSPECIFIED")
    .map((k) => k.toLowerCase());
}

/** A --status parser: "healthy,FAILED" → [HEALTHY, FAILED], repeatable; an unknown name lists the known ones. */
export function statusListParser<S extends number>(
  statusEnum: ProtoEnum,
): (value: string, previous?: S[]) => S[] {
  const names = statusNamesOf(statusEnum);
  return (value, previous = []) => {
    const out = [...previous];
    for (const name of value
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean)) {
      if (!names.includes(name)) {
        throw new InvalidArgumentError(`unknown status "${name}"; known: ${names.join(", ")}`);
      }
      out.push(statusEnum[name.toUpperCase()] as S);
    }
    return out;
  };
}

/** Adds the filters of a history listing: --project, --app, --sha, --branch and --status (of `statusEnum`). */
export function addHistoryFilterOptions(command: Command, statusEnum: ProtoEnum): Command {
  return command
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--app <name>", "application (default: from berth.hcl)")
    .option("--sha <prefix>", "commit SHA prefix (4-40 hex characters)")
    .option("--branch <branch>", "git branch")
    .option(
      "--status <status>",
      `status, repeatable or comma-separated: ${statusNamesOf(statusEnum).join(", ")}`,
      statusListParser(statusEnum),
    );
}

/** The HistoryFilter that --sha and --branch ask for. */
export function historyFilterFrom(opts: { sha?: string; branch?: string }): HistoryFilter {
  return create(HistoryFilterSchema, { shaPrefix: opts.sha?.toLowerCase(), branch: opts.branch });
}

/** A row's SHA (7 characters, "*" when built from a dirty tree), branch and message cells. */
export function gitCells(git: GitInfo | undefined): string[] {
  return [
    git?.sha ? git.sha.slice(0, 7) + (git.dirty ? "*" : "") : "-",
    git?.branch || "-",
    truncate(git?.message ?? "", 50),
  ];
}
