import type { EntrypointExecRequest, EntrypointExecResponse } from "@berth/proto";
import { createPushQueue } from "@berth/streams";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { getCaller } from "../auth/caller.js";
import type { ExecRelay } from "./exec-relay.js";

/** The entrypoint's EntrypointExec stream: names its session, then is relayed to the waiting client. */
export async function* serveEntrypointExec(
  relay: ExecRelay,
  requests: AsyncIterable<EntrypointExecRequest>,
  hctx: HandlerContext,
): AsyncGenerator<EntrypointExecResponse> {
  const caller = getCaller(hctx);
  const it = requests[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done || first.value.msg.case !== "sessionId") {
    throw new ConnectError("the first message of EntrypointExec must be session_id", Code.InvalidArgument);
  }
  const toEntrypoint = createPushQueue<EntrypointExecResponse>();
  const onAbort = () => toEntrypoint.end();
  hctx.signal.addEventListener("abort", onAbort);
  try {
    relay.attach(first.value.msg.value, caller.deploymentId, { fromEntrypoint: it, toEntrypoint });
    // The client's handler reads `it` and feeds `toEntrypoint`; this stream lives until it ends the queue.
    yield* toEntrypoint;
  } finally {
    hctx.signal.removeEventListener("abort", onAbort);
  }
}
