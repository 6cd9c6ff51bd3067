import type { DescMethod } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { transformSplitEnvelope } from "@connectrpc/connect/protocol";
import { codeFromString, endStreamFlag } from "@connectrpc/connect/protocol-connect";
import type { BrowserSession } from "./browser-session.js";

/** What the gateway answered to a hand-made binary request. */
export interface BinaryOutcome {
  /** The Connect code; "ok" when the call was served (a stream may still be running when we stop). */
  code: Code | "ok";
  /** The HTTP status of the response. */
  httpStatus: number;
  /** The whole response body as text, to check that nothing sent comes back. */
  text: string;
}

export interface BinaryCallOptions {
  /** Extra request headers, e.g. a content encoding. */
  headers?: Record<string, string>;
  /** How long a stream may run before we take it as served. */
  boundMs?: number;
}

/** The Connect code named in an error body (`{"code":"invalid_argument",…}`); Unknown when there is none. */
function codeNamed(error: unknown): Code {
  const name = (error as { code?: unknown } | null)?.code;
  return (typeof name === "string" && codeFromString(name)) || Code.Unknown;
}

/**
 * Posts `body` to a gateway method as the SPA's binary transport would, but with the bytes given as is:
 * a unary method gets it as `application/proto`, a server-streaming one as `application/connect+proto`
 * (so `body` must carry its own envelope). Reads back the Connect code, from the JSON error of a unary
 * call or the end-of-stream message of a stream.
 */
export async function binaryCall(
  tab: BrowserSession,
  method: DescMethod,
  body: Uint8Array,
  options: BinaryCallOptions = {},
): Promise<BinaryOutcome> {
  const unary = method.methodKind === "unary";
  const stop = AbortSignal.timeout(options.boundMs ?? 5000);
  const res = await tab.fetch(`/api/${method.parent.typeName}/${method.name}`, {
    method: "POST",
    headers: {
      "content-type": unary ? "application/proto" : "application/connect+proto",
      "connect-protocol-version": "1",
      ...options.headers,
    },
    body,
    signal: stop,
  });
  if (unary) {
    const text = await res.text();
    if (res.status === 200) return { code: "ok", httpStatus: 200, text };
    let error: unknown;
    try {
      error = JSON.parse(text);
    } catch {
      return { code: Code.Unknown, httpStatus: res.status, text };
    }
    return { code: codeNamed(error), httpStatus: res.status, text };
  }
  return readStream(res, stop);
}

/** Reads a Connect stream's frames until its end-of-stream message, or takes it as served at the bound. */
async function readStream(res: Response, stop: AbortSignal): Promise<BinaryOutcome> {
  if (res.status !== 200 || !res.body) {
    return { code: Code.Unknown, httpStatus: res.status, text: await res.text() };
  }
  const body = res.body;
  let text = "";
  try {
    for await (const frame of transformSplitEnvelope(1024 * 1024)(body)) {
      const data = new TextDecoder().decode(frame.data);
      text += data;
      if (frame.flags & endStreamFlag) {
        const { error } = JSON.parse(data) as { error?: unknown };
        return { code: error ? codeNamed(error) : "ok", httpStatus: res.status, text };
      }
    }
    return { code: Code.Unknown, httpStatus: res.status, text };
  } catch (e) {
    if (stop.aborted) return { code: "ok", httpStatus: res.status, text };
    throw e;
  } finally {
    await body.cancel().catch(() => undefined);
  }
}
