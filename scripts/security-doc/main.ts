// `npm run docs:security`: rewrites the policy table in docs/security.md from the policy table in
// @berth/proto; with --check, only says whether the doc is up to date (exit code 1 when not).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderPolicyTable } from "./render-policy-table.js";
import { spliceGenerated } from "./splice-generated.js";

const path = fileURLToPath(new URL("../../docs/security.md", import.meta.url));
const doc = readFileSync(path, "utf8");
const updated = spliceGenerated(doc, renderPolicyTable());
if (process.argv.includes("--check")) {
  if (updated !== doc) {
    process.stderr.write("docs/security.md: the policy table is out of date; run npm run docs:security\n");
    process.exit(1);
  }
} else if (updated !== doc) {
  writeFileSync(path, updated);
  process.stdout.write("docs/security.md: policy table updated\n");
}
