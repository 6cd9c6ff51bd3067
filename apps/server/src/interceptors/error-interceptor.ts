import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { ulid } from "ulid";
import { refusedValueError } from "../store/refused-value.js";

/**
 * Keeps internal failures private: a thrown ConnectError passes through as is, anything else (a bug, a
 * SQLite error...) is logged in full and the client gets a generic Internal error with an id to grep
 * the log for. A request value PostgreSQL cannot hold is InvalidArgument (refusedValueError). Covers errors
 * thrown while a response stream is being produced too.
 */
export function createErrorInterceptor(logger: Logger): Interceptor {
  const hide = (method: string, e: unknown): ConnectError => {
    if (e instanceof ConnectError) return e;
    // A cancelled call is not a server fault.
    if (e instanceof Error && e.name === "AbortError") return ConnectError.from(e, Code.Canceled);
    const refused = refusedValueError(e);
    if (refused) return refused;
    const id = ulid();
    logger.error({ err: e, method, errorId: id }, "RPC failed with an unexpected error");
    return new ConnectError(`internal error (id ${id}; details are in the server log)`, Code.Internal);
  };
  return (next) => async (req) => {
    const method = `${req.service.typeName}/${req.method.name}`;
    let res: Awaited<ReturnType<typeof next>>;
    try {
      res = await next(req);
    } catch (e) {
      throw hide(method, e);
    }
    if (!res.stream) return res;
    const messages = res.message;
    return {
      ...res,
      message: (async function* () {
        try {
          yield* messages;
        } catch (e) {
          throw hide(method, e);
        }
      })(),
    };
  };
}
