import type { DescMessage, Message } from "@bufbuild/protobuf";
import { createValidator, type Validator, violationsToProto } from "@bufbuild/protovalidate";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { formatViolations } from "./format-violations.js";

/**
 * Validates every request message against the protovalidate rules in the .proto files (each message of
 * a client stream too). Violations → InvalidArgument naming field, rule and value, with the
 * buf.validate.Violations message attached as an error detail for programs.
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
  const [violations, desc] = violationsToProto(result.violations);
  throw new ConnectError(
    formatViolations(message, result.violations),
    Code.InvalidArgument,
    undefined,
    [{ desc, value: violations }],
    result.error,
  );
}
