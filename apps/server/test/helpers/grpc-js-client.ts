import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const protoDir = fileURLToPath(new URL("../../../../packages/proto/proto", import.meta.url));
const stubDir = fileURLToPath(new URL("../fixtures", import.meta.url));

/** Loads .proto files from packages/proto/proto with @grpc/proto-loader, independent of our generated code. */
export function loadProtos(files: string[]): grpc.GrpcObject {
  const definition = protoLoader.loadSync(files, {
    includeDirs: [protoDir, stubDir],
    enums: String,
    longs: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition);
}

/** Looks a service client constructor up by its dotted name, e.g. "berth.v1.AuthService". */
export function serviceClient(root: grpc.GrpcObject, name: string): grpc.ServiceClientConstructor {
  let node: unknown = root;
  for (const part of name.split(".")) node = (node as Record<string, unknown>)[part];
  return node as grpc.ServiceClientConstructor;
}

/** Calls a unary method and resolves with the response or rejects with the grpc-js ServiceError. */
export function unary<T>(
  client: grpc.Client,
  method: string,
  request: object,
  metadata = new grpc.Metadata(),
): Promise<T> {
  return new Promise((resolve, reject) => {
    type Call = (req: object, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res: T) => void) => void;
    const fn = (client as unknown as Record<string, Call | undefined>)[method];
    if (!fn) throw new Error(`no method ${method}`);
    fn.call(client, request, metadata, (err: grpc.ServiceError | null, res: T) =>
      err ? reject(err) : resolve(res),
    );
  });
}

/** Metadata carrying a bearer token. */
export function bearer(token: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set("authorization", `Bearer ${token}`);
  return md;
}
