import type { RoleName } from "@berth/proto";
import type {
  DescMessage,
  DescMethod,
  DescMethodStreaming,
  DescMethodUnary,
  MessageShape,
} from "@bufbuild/protobuf";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import type { BffMetrics } from "../plugins/app/metrics.js";
import type { Upstream } from "../plugins/app/upstream.js";
import { browserMethods } from "./browser-services.js";
import { requestIdKey, sessionWithRole } from "./gateway-context.js";
import { relayError } from "./relay-error.js";

export interface ForwardOptions {
  upstream: Upstream;
  metrics: BffMetrics;
}

/** The upstream headers of a call, once the session is known to hold `role`. */
function upstreamHeaders(
  ctx: HandlerContext,
  options: ForwardOptions,
  method: DescMethod,
  role: RoleName,
): Headers {
  const session = sessionWithRole(ctx, role, `${method.parent.typeName}/${method.name}`);
  const { headers } = options.upstream.callOptions(session.token, undefined, ctx.values.get(requestIdKey));
  return new Headers(headers);
}

/** Forwards one unary call: the session's token goes upstream, the answer (or error, code intact) comes back. */
function forwardUnary(method: DescMethodUnary, role: RoleName, options: ForwardOptions) {
  return async (request: MessageShape<DescMessage>, ctx: HandlerContext) => {
    const headers = upstreamHeaders(ctx, options, method, role);
    try {
      const response = await options.upstream.transport.unary(
        method,
        ctx.signal,
        ctx.timeoutMs(),
        headers,
        request,
      );
      return response.message;
    } catch (err) {
      throw relayError(err);
    }
  };
}

/**
 * Forwards a server stream message by message. Pulling one upstream message per downstream write
 * gives end-to-end backpressure (HTTP/2 flow control does the rest); the upstream call is aborted as
 * soon as the browser goes away or the stream ends for any reason.
 */
function forwardServerStream(method: DescMethodStreaming, role: RoleName, options: ForwardOptions) {
  const label = { method: `${method.parent.name}/${method.name}` };
  return async function* (request: MessageShape<DescMessage>, ctx: HandlerContext) {
    const headers = upstreamHeaders(ctx, options, method, role);
    const done = new AbortController();
    const signal = AbortSignal.any([ctx.signal, done.signal]);
    options.metrics.upstreamStreams.inc(label);
    try {
      const response = await options.upstream.transport.stream(
        method,
        signal,
        ctx.timeoutMs(),
        headers,
        (async function* () {
          yield request;
        })(),
      );
      yield* response.message;
    } catch (err) {
      throw relayError(err);
    } finally {
      done.abort();
      options.metrics.upstreamStreams.dec(label);
    }
  };
}

/**
 * Registers a forwarder for each method the policy table opens to the browser; nothing else is
 * routed, so every other method answers 404.
 */
export function registerForwarders(router: ConnectRouter, options: ForwardOptions): DescMethod[] {
  const registered: DescMethod[] = [];
  for (const { method, role } of browserMethods()) {
    if (method.methodKind === "unary") {
      router.rpc(method, forwardUnary(method as DescMethodUnary, role, options) as never);
    } else {
      router.rpc(method, forwardServerStream(method as DescMethodStreaming, role, options) as never);
    }
    registered.push(method);
  }
  return registered;
}
