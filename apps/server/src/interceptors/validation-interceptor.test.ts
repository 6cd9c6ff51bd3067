import {
  DeploymentService,
  EntrypointService,
  ListDeploymentsRequestSchema,
  LogService,
  ProjectService,
  UpsertProjectRequestSchema,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createValidator } from "@bufbuild/protovalidate";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { check, createValidationInterceptor } from "./validation-interceptor.js";

const validator = createValidator();

function invalid(fn: () => void): ConnectError {
  try {
    fn();
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("expected a validation error");
}

describe("check", () => {
  it("names the field path, the rule and the value of a nested violation", () => {
    const err = invalid(() =>
      check(
        validator,
        ListDeploymentsRequestSchema,
        create(ListDeploymentsRequestSchema, { app: { project: "Bad Name", app: "web" } }),
      ),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/^field app\.project: .*\^\[a-z0-9\].*\(got "Bad Name"\)$/);
  });

  it("rejects a page size of 10^9 naming page_size", () => {
    const err = invalid(() =>
      check(
        validator,
        ListDeploymentsRequestSchema,
        create(ListDeploymentsRequestSchema, { app: { project: "shop", app: "web" }, pageSize: 1e9 }),
      ),
    );
    expect(err.rawMessage).toBe("field page_size: must be less than or equal to 1000 (got 1000000000)");
  });

  it("reports every violation and attaches buf.validate.Violations for programs", () => {
    const err = invalid(() =>
      check(
        validator,
        ListDeploymentsRequestSchema,
        create(ListDeploymentsRequestSchema, { pageSize: 5000 }),
      ),
    );
    expect(err.rawMessage).toContain("field app: value is required");
    expect(err.rawMessage).toContain("field page_size:");
    const [details] = err.findDetails(ViolationsSchema);
    expect(details?.violations.map((v) => v.ruleId).sort()).toEqual(["required", "uint32.lte"]);
  });

  it("accepts a valid message", () => {
    expect(() =>
      check(validator, UpsertProjectRequestSchema, create(UpsertProjectRequestSchema, { name: "shop" })),
    ).not.toThrow();
  });
});

describe("createValidationInterceptor", () => {
  const transport = createRouterTransport(
    (router) => {
      router.service(ProjectService, { upsertProject: () => ({}) });
      router.service(DeploymentService, { listDeployments: () => ({}) });
      router.service(LogService, {
        async *getLogStream() {
          yield {};
        },
      });
      router.service(EntrypointService, {
        async uploadLogs(requests) {
          let accepted = 0n;
          for await (const r of requests) accepted += BigInt(r.lines.length);
          return { accepted };
        },
      });
    },
    { router: { interceptors: [createValidationInterceptor()] } },
  );

  it("fails a unary call with InvalidArgument before the handler runs", async () => {
    const client = createClient(DeploymentService, transport);
    await expect(
      client.listDeployments({ app: { project: "shop", app: "web" }, pageSize: 1e9 }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining("field page_size"),
    });
    await expect(
      client.listDeployments({ app: { project: "shop", app: "web" }, pageSize: 10 }),
    ).resolves.toBeDefined();
  });

  it("validates each message of a client stream", async () => {
    const client = createClient(EntrypointService, transport);
    async function* batches() {
      yield { instanceId: "i-1", lines: [] };
      yield { instanceId: "x".repeat(65), lines: [] };
    }
    await expect(client.uploadLogs(batches())).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining("field instance_id"),
    });
  });

  it("validates the request of a server stream before the first response", async () => {
    const logs = createClient(LogService, transport);
    const stream = logs.getLogStream({ deploymentId: "d1", tailLines: 200_000 });
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "field tail_lines: must be less than or equal to 100000 (got 200000)",
    });
    // A message-level (CEL) rule speaks for itself, without a "field" prefix.
    const empty = logs.getLogStream({});
    await expect(empty[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.not.stringMatching(/^field /),
    });
  });
});
