import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { cliJson } from "./cli-json.js";

/** Prints messages as a JSON array, in the `--json` convention of cli-json.ts. */
export function printJsonList<Desc extends DescMessage>(schema: Desc, items: MessageShape<Desc>[]): void {
  const json = items.map((m) => cliJson(schema, m));
  process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}
