import { pathToString } from "@bufbuild/protobuf/reflect";
import type { Violation } from "@bufbuild/protovalidate";
import { patternMeaning } from "./pattern-meanings.js";

/**
 * One line a person can act on per violation, naming the field and what it expects, e.g.
 * `field app.project: a name is lowercase letters, digits and hyphens…`. The rejected value is never
 * repeated: a secret pasted into the wrong field must not come back in an error or a log.
 */
export function formatViolations(violations: Violation[]): string {
  return violations.map(formatViolation).join("; ");
}

function formatViolation(v: Violation): string {
  const text = describe(v);
  // Message-level rules (CEL over several fields) carry their own wording.
  if (v.field.length === 0) return text;
  return `field ${pathToString(v.field)}: ${text}`;
}

function describe(v: Violation): string {
  if (v.ruleId.endsWith("string.pattern")) {
    // protovalidate's message quotes the pattern: value does not match regex pattern `^…$`
    const pattern = /`(.*)`/.exec(v.message)?.[1];
    return pattern === undefined ? patternMeaning("") : patternMeaning(pattern);
  }
  return v.message.replace(/`([^`]*)`/g, '"$1"') || v.ruleId;
}
