import { create, createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProtos, serviceClient } from "./helpers/grpc-js-client.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

let server: TestServer;
const clients: grpc.Client[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.dispose();
});

interface ReflectionResponse {
  message_response?: string;
  messageResponse?: string;
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

/** Sends one reflection request on a fresh bidi stream of a real grpc-js reflection client. */
function reflect(version: "v1" | "v1alpha", request: object): Promise<ReflectionResponse> {
  const Ctor = serviceClient(
    loadProtos([`grpc/reflection/${version}/reflection.proto`]),
    `grpc.reflection.${version}.ServerReflection`,
  );
  const client = new Ctor(`127.0.0.1:${server.apiPort}`, grpc.credentials.createInsecure());
  clients.push(client);
  return new Promise((resolve, reject) => {
    const call = (
      client as unknown as { ServerReflectionInfo(): grpc.ClientDuplexStream<object, ReflectionResponse> }
    ).ServerReflectionInfo();
    call.once("data", (res: ReflectionResponse) => {
      resolve(res);
      call.end();
    });
    call.once("error", reject);
    call.write(request);
  });
}

describe("server reflection", () => {
  it.each(["v1", "v1alpha"] as const)("%s lists the served services", async (version) => {
    const res = await reflect(version, { listServices: "" });
    const names = res.listServicesResponse?.service.map((s) => s.name) ?? [];
    expect(names).toContain("berth.v1.AuthService");
    expect(names).toContain("grpc.health.v1.Health");
    expect(names).toContain(`grpc.reflection.${version}.ServerReflection`);
  });

  it("returns a service's file with every import, enough to build a registry like grpcurl does", async () => {
    const res = await reflect("v1", { fileContainingSymbol: "berth.v1.AuthService" });
    const files = (res.fileDescriptorResponse?.fileDescriptorProto ?? []).map((b) =>
      fromBinary(FileDescriptorProtoSchema, b),
    );
    expect(files[0]?.name).toBe("berth/v1/auth_service.proto");
    const names = files.map((f) => f.name);
    expect(names).toContain("buf/validate/validate.proto");
    expect(names).toContain("google/protobuf/timestamp.proto");
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: files.reverse() }));
    const method = registry.getService("berth.v1.AuthService")?.methods.find((m) => m.name === "CreateToken");
    expect(method?.input.typeName).toBe("berth.v1.CreateTokenRequest");
  });

  it("finds files by name and methods by symbol, and says NOT_FOUND for unknown ones", async () => {
    const byName = await reflect("v1alpha", { fileByFilename: "berth/v1/common.proto" });
    expect(byName.fileDescriptorResponse?.fileDescriptorProto.length).toBeGreaterThan(0);
    const bySymbol = await reflect("v1", { fileContainingSymbol: "berth.v1.AuthService.WhoAmI" });
    expect(
      fromBinary(FileDescriptorProtoSchema, bySymbol.fileDescriptorResponse!.fileDescriptorProto[0]!).name,
    ).toBe("berth/v1/auth_service.proto");
    const missing = await reflect("v1", { fileContainingSymbol: "no.such.Thing" });
    expect(missing.errorResponse).toMatchObject({ errorCode: grpc.status.NOT_FOUND });
    expect(missing.errorResponse?.errorMessage).toContain("no.such.Thing");
  });
});
