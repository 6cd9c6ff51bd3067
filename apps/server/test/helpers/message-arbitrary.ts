import { create, type DescField, type DescMessage, type Message, ScalarType } from "@bufbuild/protobuf";
import fc from "fast-check";

/** A string of 1 MiB: shared, so generating it often costs nothing. */
const megabyte = "x".repeat(1024 * 1024);

const strings = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 20 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("", " ", "shop", "web", "berth_secret", "../../etc/passwd", "\u0000"),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{4,40}$/) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constant("a".repeat(4097)) },
  { weight: 1, arbitrary: fc.constant(megabyte) },
);

const int32 = fc.oneof(fc.constantFrom(0, 1, -1, 2 ** 31 - 1, -(2 ** 31)), fc.integer());
const uint32 = fc.oneof(fc.constantFrom(0, 1, 1000, 1001, 10 ** 9, 2 ** 32 - 1), fc.nat());
const int64 = fc.oneof(
  fc.constantFrom(0n, -1n, 2n ** 63n - 1n, -(2n ** 63n)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
);
const uint64 = fc.oneof(fc.constantFrom(0n, 1n, 2n ** 64n - 1n), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
const doubles = fc.oneof(fc.constantFrom(0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e308), fc.double());
const bytes = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 32 }) },
  // Invalid UTF-8, where a program might wrongly take bytes for text.
  { weight: 1, arbitrary: fc.constant(new Uint8Array([0xc3, 0x28, 0xff, 0xfe])) },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(1024 * 1024 + 1)) },
);

function scalar(type: ScalarType): fc.Arbitrary<unknown> {
  switch (type) {
    case ScalarType.STRING:
      return strings;
    case ScalarType.BYTES:
      return bytes;
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return doubles;
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return int64;
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return uint64;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return uint32;
    default:
      return int32;
  }
}

function enumValue(field: DescField & { enum: NonNullable<DescField["enum"]> }): fc.Arbitrary<number> {
  const defined = field.enum.values.map((v) => v.number);
  // Unknown numbers too: a client may send any.
  return fc.oneof(fc.constantFrom(...defined), fc.constantFrom(-1, 99, 2 ** 31 - 1));
}

function fieldValue(field: DescField, depth: number): fc.Arbitrary<unknown> {
  switch (field.fieldKind) {
    case "scalar":
      return scalar(field.scalar);
    case "enum":
      return enumValue(field);
    case "message":
      return messageInit(field.message, depth + 1);
    case "list": {
      const item =
        field.listKind === "scalar"
          ? scalar(field.scalar)
          : field.listKind === "enum"
            ? enumValue(field as never)
            : messageInit(field.message, depth + 1);
      return fc.array(item, { maxLength: depth > 1 ? 1 : 3 });
    }
    case "map": {
      const value =
        field.mapKind === "scalar"
          ? scalar(field.scalar)
          : field.mapKind === "enum"
            ? enumValue(field as never)
            : messageInit(field.message, depth + 1);
      const key = field.mapKey === ScalarType.STRING ? strings : fc.constantFrom("1", "2");
      return fc.dictionary(key as fc.Arbitrary<string>, value, { maxKeys: 3 });
    }
  }
}

/** Field values for a message as `create()` takes them; nesting stops at depth 3 (messages left empty). */
function messageInit(desc: DescMessage, depth: number): fc.Arbitrary<Record<string, unknown>> {
  if (depth > 3) return fc.constant({});
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const member of desc.members) {
    if (member.kind === "oneof") {
      parts[member.localName] = fc.oneof(
        fc.constant(undefined),
        ...member.fields.map((f) => fieldValue(f, depth).map((value) => ({ case: f.localName, value }))),
      );
    } else {
      parts[member.localName] = fieldValue(member, depth);
    }
  }
  return fc.record(parts, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
}

/**
 * Random and boundary values for every field of a message, generated from its descriptor: empty and
 * 1 MiB strings, invalid UTF-8 in bytes, unknown enum numbers, huge and negative numbers, nested
 * messages, oneof cases, lists and maps.
 */
export function messageArbitrary(desc: DescMessage): fc.Arbitrary<Message> {
  return messageInit(desc, 0).map((init) => create(desc, init as never));
}
