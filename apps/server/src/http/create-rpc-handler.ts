import type http from "node:http";
import { refuseMalformedMessages } from "@berth/connect-guards";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  type ContextValues,
  createConnectRouter,
} from "@connectrpc/connect";
import type { UniversalHandlerOptions } from "@connectrpc/connect/protocol";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";
import type { Logger } from "pino";
import type { RequestHandler } from "./listen-api.js";
import { readMaxBytesOf } from "./request-limits.js";

export interface RpcHandlerOptions extends Partial<UniversalHandlerOptions> {
  routes(router: ConnectRouter): void;
  logger: Logger;
  /** Values every call of this request starts with (e.g. its remote address). */
  contextValues?: (req: Parameters<RequestHandler>[0]) => ContextValues;
}

/**
 * The API's Connect/gRPC/gRPC-Web handler: connect-node's adapter, plus a per-service read limit
 * ({@link readMaxBytesOf}), InvalidArgument for request bytes that do not decode, a request that cannot
 * even be turned into an RPC (no authority) answered 400 instead of thrown.
 */
export function createRpcHandler(options: RpcHandlerOptions): RequestHandler {
  const { routes, logger, contextValues, ...handlerOptions } = options;
  const acceptCompression = handlerOptions.acceptCompression ?? [compressionGzip, compressionBrotli];
  const router = createConnectRouter({ ...handlerOptions, acceptCompression });
  routes(limitReads(router));
  const paths = new Map(
    router.handlers.map((h) => [
      h.requestPath,
      refuseMalformedMessages(h, { readMaxBytes: readMaxBytesOf(h.service), acceptCompression }),
    ]),
  );
  return (req, res) => {
    const handler = paths.get(req.url?.split("?", 1)[0] ?? "");
    if (!handler) return replyStatus(res, 404);
    let uReq: ReturnType<typeof universalRequestFromNodeRequest>;
    try {
      uReq = universalRequestFromNodeRequest(req, res, undefined, contextValues?.(req));
    } catch {
      return replyStatus(res, 400);
    }
    handler(uReq)
      .then((uRes) => {
        // Answered before the body was read (too large, malformed): connect-node drops the rest of the
        // body with its socket, so an HTTP/1.1 client is told not to reuse the connection.
        if (!req.complete && req.httpVersionMajor === 1) res.setHeader("connection", "close");
        return universalResponseToNodeResponse(uRes, res);
      })
      .catch((e: unknown) => {
        if (ConnectError.from(e).code === Code.Aborted) return;
        logger.error({ err: e, method: handler.method.name }, "writing an RPC response failed");
      });
  };
}

function replyStatus(res: Parameters<RequestHandler>[1], status: number): void {
  // http and http2 responses share these calls but not a type Node declares.
  const r = res as http.ServerResponse;
  r.writeHead(status);
  r.end();
}

/** A router whose services get their read limit unless registered with one. */
function limitReads(router: ConnectRouter): ConnectRouter {
  const limited: ConnectRouter = {
    handlers: router.handlers,
    service(service, implementation, options) {
      router.service(service, implementation, { readMaxBytes: readMaxBytesOf(service), ...options });
      return limited;
    },
    rpc(method, implementation, options) {
      router.rpc(method, implementation, { readMaxBytes: readMaxBytesOf(method.parent), ...options });
      return limited;
    },
  };
  return limited;
}
