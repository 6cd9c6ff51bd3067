import type { Cause } from "./validate.js";

// biome-ignore lint/suspicious/noExplicitAny: API objects of several kinds, read and written as JSON
export type Obj = Record<string, any>;
/** An answer of the double: an HTTP status and a JSON body. */
export type Reply = { code: number; body: Obj };

/** A failure as the real API reports it: a v1 Status object. */
export function status(code: number, reason: string, message: string, details?: Obj): Reply {
  return {
    code,
    body: {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason,
      code,
      ...(details && { details }),
    },
  };
}

/** 422 Invalid, naming each field at fault as the real API does. */
export function invalid(kind: string, name: string, causes: Cause[]): Reply {
  const text = causes.map((c) => `${c.field}: ${c.message}`).join(", ");
  return status(422, "Invalid", `${kind} "${name}" is invalid: ${text}`, {
    name,
    kind: `${kind.toLowerCase()}s`,
    causes: causes.map((c) => ({ reason: "FieldValueInvalid", message: c.message, field: c.field })),
  });
}
