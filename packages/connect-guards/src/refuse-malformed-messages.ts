import { type DescMessage, fromBinary, fromJsonString } from "@bufbuild/protobuf";
import { isFieldError } from "@bufbuild/protobuf/reflect";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type Compression,
  compressedFlag,
  encodeEnvelope,
  readAllBytes,
  transformSplitEnvelope,
  type UniversalHandler,
  type UniversalServerRequest,
} from "@connectrpc/connect/protocol";

/** What the check needs to know of the router it guards. */
export interface MessageCheckOptions {
  /** The most bytes one request message may have; past it the read fails with ResourceExhausted. */
  readMaxBytes: number;
  /** The compressions the router accepts: a request in one of these is decompressed and checked. */
  acceptCompression: readonly Compression[];
}

interface Framing {
  /** gRPC, gRPC-Web and Connect streams prefix each message with flags and a length. */
  enveloped: boolean;
  json: boolean;
  /** The header naming the request's compression. */
  encodingHeader: string;
}

/** How a request frames and encodes its messages, from its content type; undefined for anything else. */
function framingOf(contentType: string | null): Framing | undefined {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  const match = /^application\/(grpc|grpc-web|connect\+)?(?:\+?(proto|json))?$/.exec(type);
  if (!match) return undefined;
  const [, protocol, format] = match;
  const json = format === "json";
  if (protocol === undefined)
    return format ? { enveloped: false, json, encodingHeader: "content-encoding" } : undefined;
  if (protocol === "connect+")
    return format ? { enveloped: true, json, encodingHeader: "connect-content-encoding" } : undefined;
  return { enveloped: true, json, encodingHeader: "grpc-encoding" };
}

/**
 * Wraps a method's handler so that a request message that does not decode fails with InvalidArgument
 * and a message that names the expected type but never quotes what was sent. connect-es reports a bad
 * binary message (truncated, wrong wire type, varint overflow, invalid UTF-8 in a string, a compressed
 * flag without an encoding) as Internal, blaming the server for the client's bytes, and its JSON errors
 * quote the offending value, which may be a secret pasted into the wrong field. So each message is
 * decoded here first (strict JSON: unknown fields and enum names are errors) before connect-es parses it.
 */
export function refuseMalformedMessages(
  handler: UniversalHandler,
  { readMaxBytes, acceptCompression }: MessageCheckOptions,
): UniversalHandler {
  const input = handler.method.input;
  const checked = (req: UniversalServerRequest) => {
    const framing = framingOf(req.header.get("content-type"));
    const body = req.body;
    if (!framing || req.method !== "POST" || !isBytes(body)) return handler(req);
    const encoding = req.header.get(framing.encodingHeader);
    // An encoding we do not offer is connect-es's to refuse (Unimplemented, naming what we accept).
    const compression =
      encoding && encoding !== "identity" ? acceptCompression.find((c) => c.name === encoding) : null;
    if (compression === undefined) return handler(req);
    const checkedBody = framing.enveloped
      ? checkEnvelopes(body, input, framing.json, compression, readMaxBytes)
      : checkWhole(body, input, framing.json, compression, readMaxBytes);
    return handler({ ...req, body: checkedBody });
  };
  return Object.assign(checked, handler);
}

function isBytes(body: unknown): body is AsyncIterable<Uint8Array> {
  return typeof body === "object" && body !== null && Symbol.asyncIterator in body;
}

async function* checkWhole(
  body: AsyncIterable<Uint8Array>,
  schema: DescMessage,
  json: boolean,
  compression: Compression | null,
  readMaxBytes: number,
): AsyncIterable<Uint8Array> {
  const bytes = await readAllBytes(body, readMaxBytes);
  await decode(schema, bytes, json, compression, readMaxBytes);
  yield bytes;
}

async function* checkEnvelopes(
  body: AsyncIterable<Uint8Array>,
  schema: DescMessage,
  json: boolean,
  compression: Compression | null,
  readMaxBytes: number,
): AsyncIterable<Uint8Array> {
  for await (const envelope of transformSplitEnvelope(readMaxBytes)(body)) {
    const compressed = (envelope.flags & compressedFlag) === compressedFlag;
    if (compressed && !compression) {
      throw new ConnectError(
        "the request message is flagged as compressed, but the request names no compression",
        Code.InvalidArgument,
      );
    }
    await decode(schema, envelope.data, json, compressed ? compression : null, readMaxBytes);
    yield encodeEnvelope(envelope.flags, envelope.data);
  }
}

async function decode(
  schema: DescMessage,
  bytes: Uint8Array,
  json: boolean,
  compression: Compression | null,
  readMaxBytes: number,
): Promise<void> {
  const plain = compression ? await compression.decompress(bytes, readMaxBytes) : bytes;
  try {
    if (json) fromJsonString(schema, new TextDecoder().decode(plain), { ignoreUnknownFields: false });
    else fromBinary(schema, plain);
  } catch (e) {
    const what = `the request is not a valid ${schema.typeName} message in ${json ? "JSON" : "protobuf binary"}`;
    throw new ConnectError(
      `${what} (${json ? jsonProblem(schema, e) : String(e instanceof Error ? e.message : e)})`,
      Code.InvalidArgument,
    );
  }
}

/** protobuf-es's JSON errors quote the rejected value; this names only the field, the enum or the unknown key. */
function jsonProblem(schema: DescMessage, e: unknown): string {
  const cause = e instanceof Error ? e.cause : undefined;
  if (isFieldError(cause)) return `field ${cause.field().name} has a value of the wrong type`;
  const message = e instanceof Error ? e.message : "";
  const enumName = /^cannot decode enum ([\w.]+) from JSON/.exec(message)?.[1];
  if (enumName) {
    const field = schema.fields.find((f) => f.enum?.typeName === enumName);
    const names = `not one of the ${enumName} names`;
    return field ? `field ${field.name}: ${names}` : `a value is ${names}`;
  }
  const key = /key "([A-Za-z_][A-Za-z0-9_]{0,63})" is unknown/.exec(message)?.[1];
  if (key) return `unknown field "${key}"`;
  return "malformed JSON or a value of the wrong type";
}
