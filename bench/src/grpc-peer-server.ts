// One side of the connect-node vs grpc-js figure, in its own process so its CPU can be read from /proc:
// `grpc-peer-server.ts connect|grpc-js` serves grpc.health.v1.Health over h2c on a free 127.0.0.1 port and prints
// {"port": N}. Check answers SERVING; Watch streams `streamMessages` responses (from the request's service name,
// "stream:<n>") and ends. Both servers implement the same proto with the same trivial handlers.
import http2 from "node:http2";
import { fileURLToPath } from "node:url";
import {
  Health,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
} from "@berth/proto/grpc/health";
import { create } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const kind = process.argv[2];
const protoDir = fileURLToPath(new URL("../../packages/proto/proto", import.meta.url));
const streamCount = (service: string): number => Number(/^stream:(\d+)$/.exec(service)?.[1] ?? 1);

if (kind === "connect") {
  const serving = create(HealthCheckResponseSchema, { status: HealthCheckResponse_ServingStatus.SERVING });
  const handler = connectNodeAdapter({
    grpc: true,
    grpcWeb: false,
    connect: false,
    routes: (router) =>
      router.service(Health, {
        check: () => serving,
        async *watch(req) {
          for (let i = streamCount(req.service); i > 0; i--) yield serving;
        },
      }),
  });
  const server = http2.createServer(handler);
  server.listen(0, "127.0.0.1", () => {
    const addr = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof addr === "object" && addr ? addr.port : 0 })}\n`);
  });
} else if (kind === "grpc-js") {
  const def = protoLoader.loadSync("grpc/health/v1/health.proto", { includeDirs: [protoDir], enums: String });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  const server = new grpc.Server();
  const serving = { status: "SERVING" };
  server.addService(pkg.grpc.health.v1.Health.service, {
    check: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, serving),
    watch: (call: grpc.ServerWritableStream<{ service: string }, object>) => {
      // Respect back-pressure like connect-node's async generator does.
      let left = streamCount(call.request.service);
      const pump = () => {
        while (left > 0) {
          left--;
          if (!call.write(serving)) return void call.once("drain", pump);
        }
        call.end();
      };
      pump();
    },
  });
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) throw err;
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
} else {
  throw new Error(`usage: grpc-peer-server.ts connect|grpc-js (got "${kind ?? ""}")`);
}
