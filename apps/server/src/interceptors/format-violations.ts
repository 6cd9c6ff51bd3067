import type { Message } from "@bufbuild/protobuf";
import { type Path, pathToString } from "@bufbuild/protobuf/reflect";
import type { Violation } from "@bufbuild/protovalidate";

const maxShown = 60;

/**
 * One line a person can act on per violation, e.g.
 * `field app.project: value does not match regex pattern "^[a-z0-9]..." (got "Bad Name")`.
 */
export function formatViolations(message: Message, violations: Violation[]): string {
  return violations.map((v) => formatViolation(message, v)).join("; ");
}

function formatViolation(message: Message, v: Violation): string {
  const text = v.message.replace(/`([^`]*)`/g, '"$1"') || v.ruleId;
  // Message-level rules (CEL over several fields) carry their own wording.
  if (v.field.length === 0) return text;
  const field = pathToString(v.field);
  const got = valueAt(message, v.field);
  return got === undefined ? `field ${field}: ${text}` : `field ${field}: ${text} (got ${got})`;
}

/** The scalar at a violation's path, shown briefly; undefined for messages and lists. */
function valueAt(message: Message, path: Path): string | undefined {
  let value: unknown = message;
  for (const element of path) {
    if (value === null || typeof value !== "object") return undefined;
    const holder = value as Record<string, unknown>;
    switch (element.kind) {
      case "field": {
        if (element.oneof) {
          const oneof = holder[element.oneof.localName] as { case?: string; value?: unknown } | undefined;
          value = oneof?.case === element.localName ? oneof.value : undefined;
        } else value = holder[element.localName];
        break;
      }
      case "list_sub":
        value = (value as unknown[])[element.index];
        break;
      case "map_sub":
        value = holder[String(element.key)];
        break;
      default:
        return undefined;
    }
  }
  return show(value);
}

function show(value: unknown): string | undefined {
  switch (typeof value) {
    case "string": {
      const cut = value.length > maxShown ? `${value.slice(0, maxShown)}…` : value;
      return JSON.stringify(cut);
    }
    case "number":
    case "bigint":
    case "boolean":
      return String(value);
    default:
      return undefined;
  }
}
