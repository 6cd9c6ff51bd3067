// The one JSON convention of `--json` output: the proto3 JSON mapping (camelCase fields, every field present,
// 64-bit integers as strings, times as RFC 3339), except enum values, which are the lower-case word that
// tables print and `--status` accepts ("healthy", not "DEPLOYMENT_STATUS_HEALTHY"). See docs/cli.md.
import type { DescEnum, DescMessage, MessageShape } from "@bufbuild/protobuf";
import { toJson } from "@bufbuild/protobuf";

type Json = ReturnType<typeof toJson>;

/** DEPLOYMENT_STATUS_HEALTHY → "healthy" (the value's name without the enum's prefix, lower-cased). */
export function enumWord(desc: DescEnum, protoName: string): string {
  const value = desc.values.find((v) => v.name === protoName);
  return (value?.localName ?? protoName).toLowerCase();
}

function shortenEnums(desc: DescMessage, json: Json): Json {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return json;
  const out: Record<string, Json> = { ...json };
  for (const field of desc.fields) {
    const value = out[field.jsonName];
    if (value === undefined || value === null) continue;
    if (field.fieldKind === "enum" && typeof value === "string")
      out[field.jsonName] = enumWord(field.enum, value);
    else if (field.fieldKind === "message") out[field.jsonName] = shortenEnums(field.message, value);
    else if (field.fieldKind === "list" && Array.isArray(value)) {
      if (field.listKind === "enum") {
        const e = field.enum;
        out[field.jsonName] = value.map((v) => (typeof v === "string" ? enumWord(e, v) : v));
      } else if (field.listKind === "message") {
        const m = field.message;
        out[field.jsonName] = value.map((v) => shortenEnums(m, v));
      }
    }
  }
  return out;
}

/** A message as `--json` prints it (see the convention above). */
export function cliJson<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Json {
  return shortenEnums(schema, toJson(schema, message, { alwaysEmitImplicit: true }));
}
