import type { DescMessage, Message } from "@bufbuild/protobuf";
import { createValidator, type Validator, type Violation, violationsToProto } from "@bufbuild/protovalidate";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { formatViolations } from "./format-violations.js";
import { stringLengthViolations } from "./string-limits.js";

/**
 * Validates every request message (each message of a client stream too): first every string's length
 * (its `max_len` rule, else a default for all string fields), then the protovalidate rules in the .proto
 * files. Violations → InvalidArgument naming the field and what it expects (never the rejected value),
 * with the buf.validate.Violations message attached as an error detail for programs.
 */
export function createValidationInterceptor(validator: Validator = createValidator()): Interceptor {
  return (next) => async (req) => {
    if (!req.stream) {
      check(validator, req.method.input, req.message);
      return next(req);
    }
    return next({ ...req, message: validateEach(validator, req.method.input, req.message) });
  };
}

async function* validateEach<T extends Message>(
  validator: Validator,
  schema: DescMessage,
  messages: AsyncIterable<T>,
): AsyncIterable<T> {
  for await (const message of messages) {
    check(validator, schema, message);
    yield message;
  }
}

/** Throws InvalidArgument when the message breaks a rule. */
export function check(validator: Validator, schema: DescMessage, message: Message): void {
  // Lengths first: a megabyte string is refused at once, before any regex or CEL rule reads it.
  const tooLong = stringLengthViolations(schema, message);
  if (tooLong.length > 0) throw invalid(tooLong);
  const result = validator.validate(schema, message);
  if (result.kind === "valid") return;
  if (result.kind === "error") {
    throw new ConnectError(
      `validating ${schema.typeName} failed`,
      Code.Internal,
      undefined,
      undefined,
      result.error,
    );
  }
  throw invalid(result.violations, result.error);
}

function invalid(violations: Violation[], cause?: unknown): ConnectError {
  const [proto, desc] = violationsToProto(violations);
  return new ConnectError(
    formatViolations(violations),
    Code.InvalidArgument,
    undefined,
    [{ desc, value: proto }],
    cause,
  );
}
