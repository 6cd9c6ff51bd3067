import http2 from "node:http2";

/** The three protocols the API port speaks, sent by hand so that a test controls every byte. */
export type RawProtocol = "grpc" | "grpc-web" | "connect";

export interface RawOutcome {
  /** The gRPC status code (0 = OK); Connect's code names are mapped to the same numbers. */
  code: number;
  message: string;
  /** The HTTP status of the response. */
  httpStatus: number;
}

/** The 5-byte gRPC length prefix plus the message; `flags` 1 marks it compressed. */
export function envelope(message: Uint8Array, flags = 0): Uint8Array {
  const out = new Uint8Array(message.byteLength + 5);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, message.byteLength);
  out.set(message, 5);
  return out;
}

const connectCodes: Record<string, number> = {
  canceled: 1,
  unknown: 2,
  invalid_argument: 3,
  deadline_exceeded: 4,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  resource_exhausted: 8,
  failed_precondition: 9,
  aborted: 10,
  out_of_range: 11,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  data_loss: 15,
  unauthenticated: 16,
};

export interface RawCallOptions {
  token?: string;
  /** Extra request headers, e.g. a compression header. */
  headers?: Record<string, string>;
  /** For connect only: send the body as JSON (application/json) rather than protobuf binary. */
  json?: boolean;
  /** The body is sent as is: no envelope is added. */
  raw?: boolean;
}

/**
 * Calls `path` (e.g. "/berth.v1.AuthService/RevokeToken") with `body` as the request message bytes —
 * enveloped for gRPC and gRPC-Web, as is for Connect unary — and reads back the status. gRPC goes over
 * HTTP/2, gRPC-Web and Connect over HTTP/1.1 (fetch).
 */
export async function rawCall(
  apiUrl: string,
  protocol: RawProtocol,
  path: string,
  body: Uint8Array,
  options: RawCallOptions = {},
): Promise<RawOutcome> {
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const headers = { ...auth, ...options.headers };
  const payload = protocol === "connect" || options.raw ? body : envelope(body);
  if (protocol === "grpc") return grpcCall(apiUrl, path, payload, headers);
  const contentType =
    protocol === "grpc-web"
      ? "application/grpc-web+proto"
      : options.json
        ? "application/json"
        : "application/proto";
  const res = await fetch(new URL(path, apiUrl), {
    method: "POST",
    headers: {
      "content-type": contentType,
      ...(protocol === "connect" ? { "connect-protocol-version": "1" } : {}),
      ...headers,
    },
    body: payload,
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (protocol === "connect") {
    if (res.status === 200) return { code: 0, message: "", httpStatus: 200 };
    const text = new TextDecoder().decode(bytes);
    let error: { code?: string; message?: string } = {};
    try {
      error = JSON.parse(text) as typeof error;
    } catch {
      return { code: -1, message: text, httpStatus: res.status };
    }
    return {
      code: connectCodes[error.code ?? ""] ?? -1,
      message: error.message ?? "",
      httpStatus: res.status,
    };
  }
  return { ...grpcWebStatus(res.headers, bytes), httpStatus: res.status };
}

/** gRPC-Web puts the status in headers (trailers-only) or in a final frame flagged 0x80. */
function grpcWebStatus(headers: Headers, bytes: Uint8Array): { code: number; message: string } {
  const fields = new Map<string, string>();
  headers.forEach((value, key) => void fields.set(key, value));
  let at = 0;
  while (at + 5 <= bytes.byteLength) {
    const flags = bytes[at] ?? 0;
    const length = new DataView(bytes.buffer, bytes.byteOffset + at + 1, 4).getUint32(0);
    if (flags & 0x80) {
      const text = new TextDecoder().decode(bytes.subarray(at + 5, at + 5 + length));
      for (const line of text.split("\r\n")) {
        const colon = line.indexOf(":");
        if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
    }
    at += 5 + length;
  }
  return statusOf(fields);
}

function statusOf(fields: Map<string, string>): { code: number; message: string } {
  const status = fields.get("grpc-status");
  return {
    code: status === undefined ? -1 : Number(status),
    message: decodeURIComponent(fields.get("grpc-message") ?? ""),
  };
}

function grpcCall(
  apiUrl: string,
  path: string,
  payload: Uint8Array,
  headers: Record<string, string>,
): Promise<RawOutcome> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(apiUrl);
    session.on("error", reject);
    const fields = new Map<string, string>();
    let httpStatus = 0;
    const req = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      te: "trailers",
      ...headers,
    });
    const record = (h: http2.IncomingHttpHeaders) => {
      for (const [k, v] of Object.entries(h)) if (typeof v === "string") fields.set(k, v);
    };
    req.on("response", (h) => {
      httpStatus = Number(h[":status"]);
      record(h);
    });
    // The status is final with the trailers; a refused upload may still be pending, so stop sending.
    req.on("trailers", (h) => {
      record(h);
      req.close(http2.constants.NGHTTP2_CANCEL);
    });
    req.on("data", () => undefined);
    req.on("error", (e) => {
      session.close();
      reject(e);
    });
    req.on("close", () => {
      session.close();
      resolve({ ...statusOf(fields), httpStatus });
    });
    req.end(payload);
  });
}
