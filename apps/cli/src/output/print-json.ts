import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { toJson } from "@bufbuild/protobuf";

/** Prints messages as a JSON array in the proto3 JSON mapping (every field, defaults included). */
export function printJsonList<Desc extends DescMessage>(schema: Desc, items: MessageShape<Desc>[]): void {
  const json = items.map((m) => toJson(schema, m, { alwaysEmitImplicit: true }));
  process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}
