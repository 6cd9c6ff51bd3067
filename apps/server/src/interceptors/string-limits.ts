import { type DescField, type DescMessage, getOption, hasOption, type Message } from "@bufbuild/protobuf";
import { type Path, type ReflectMessage, reflect } from "@bufbuild/protobuf/reflect";
import { Violation } from "@bufbuild/protovalidate";
import {
  type FieldRules,
  field as fieldRules,
} from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";

/**
 * Longest string (in characters) a request field takes when its .proto rule gives no `max_len` of its
 * own: generous for names, ids and messages, and short enough that no field carries a megabyte.
 */
export const defaultStringMaxLen = 4096;

const stringType = 9; // ScalarType.STRING

/**
 * Every string in the message (nested, repeated, map keys and values) longer than its field allows:
 * its own `string.max_len`/`string.len` rule, else {@link defaultStringMaxLen}. Checked before the
 * protovalidate rules so that a megabyte string is refused by its length alone, cheaply.
 */
export function stringLengthViolations(schema: DescMessage, message: Message): Violation[] {
  const found: Violation[] = [];
  walk(reflect(schema, message), [], found);
  return found;
}

function walk(message: ReflectMessage, path: Path, found: Violation[]): void {
  for (const field of message.fields) {
    if (!message.isSet(field)) continue;
    const here = [...path, field];
    switch (field.fieldKind) {
      case "scalar":
        if (field.scalar === stringType)
          check(maxLenOf(field, "self"), message.get(field) as string, here, found);
        break;
      case "message":
        walk(message.get(field) as ReflectMessage, here, found);
        break;
      case "list": {
        const list = message.get(field);
        let index = 0;
        for (const item of list) {
          const at = [...here, { kind: "list_sub" as const, index }];
          if (field.listKind === "scalar" && field.scalar === stringType) {
            check(maxLenOf(field, "items"), item as string, at, found);
          } else if (field.listKind === "message") walk(item as ReflectMessage, at, found);
          index++;
        }
        break;
      }
      case "map":
        // Map keys are left out of the path: a key may be what must not be echoed.
        for (const [key, value] of message.get(field)) {
          if (typeof key === "string") check(maxLenOf(field, "keys"), key, here, found);
          if (field.mapKind === "scalar" && field.scalar === stringType) {
            check(maxLenOf(field, "values"), value as string, here, found);
          } else if (field.mapKind === "message") walk(value as ReflectMessage, here, found);
        }
        break;
    }
  }
}

function check(max: number, value: string, path: Path, found: Violation[]): void {
  if (value.length <= max) return;
  // protovalidate counts code points; past 2 UTF-16 units per allowed character it is over for sure.
  if (value.length <= 2 * max && [...value].length <= max) return;
  found.push(
    new Violation(`value length must be at most ${max} characters`, "string.max_len", path, [], false),
  );
}

type Part = "self" | "items" | "keys" | "values";
const maxLens = new WeakMap<DescField, Partial<Record<Part, number>>>();

/** The `max_len` (or exact `len`) rule on the field itself, its list items or its map keys/values; else the default. */
function maxLenOf(field: DescField, part: Part): number {
  const cached = maxLens.get(field) ?? {};
  maxLens.set(field, cached);
  cached[part] ??= ownMaxLen(field, part) ?? defaultStringMaxLen;
  return cached[part];
}

function ownMaxLen(field: DescField, part: Part): number | undefined {
  if (!hasOption(field, fieldRules)) return undefined;
  const own = getOption(field, fieldRules);
  const rules = partRules(own, part);
  if (rules?.type.case !== "string") return undefined;
  const max = rules.type.value.maxLen || rules.type.value.len;
  return max > 0n ? Number(max) : undefined;
}

function partRules(rules: FieldRules, part: Part): FieldRules | undefined {
  const { type } = rules;
  if (part === "self") return rules;
  if (part === "items") return type.case === "repeated" ? type.value.items : undefined;
  if (type.case !== "map") return undefined;
  return part === "keys" ? type.value.keys : type.value.values;
}
