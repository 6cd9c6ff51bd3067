import type { DescMethod, Message } from "@bufbuild/protobuf";
import { Code, ConnectError, type Transport } from "@connectrpc/connect";

/**
 * Sends one request message to any unary or server-streaming method and says how it ended: "ok", or the
 * error's code. A stream is read for one response at most; our own 1 s bound on a stream that keeps going
 * (events, logs) is not the server's answer, so it counts as "ok".
 */
export async function callOnce(
  transport: Transport,
  method: DescMethod,
  message: Message,
  header?: Headers,
): Promise<Code | "ok"> {
  const stop = AbortSignal.timeout(1000);
  try {
    if (method.methodKind === "unary") {
      await transport.unary(method as never, stop, 5000, header, message as never);
    } else {
      const res = await transport.stream(
        method as never,
        stop,
        5000,
        header,
        (async function* () {
          yield message as never;
        })(),
      );
      for await (const _ of res.message) break;
    }
    return "ok";
  } catch (e) {
    const err = ConnectError.from(e);
    return stop.aborted && err.code === Code.Canceled ? "ok" : err.code;
  }
}
