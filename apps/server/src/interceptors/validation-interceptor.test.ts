import {
  DeploymentService,
  EntrypointService,
  EntrypointSessionRequestSchema,
  ListDeploymentsRequestSchema,
  LogService,
  ProjectService,
  RevokeTokenRequestSchema,
  UpsertApplicationRequestSchema,
  UpsertProjectRequestSchema,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createValidator } from "@bufbuild/protovalidate";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { defaultStringMaxLen } from "./string-limits.js";
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
  it("names the field path and what it expects in words, never the rejected value", () => {
    const err = invalid(() =>
      check(
        validator,
        ListDeploymentsRequestSchema,
        create(ListDeploymentsRequestSchema, {
          app: { project: "berth_SECRETsecret", app: "web" },
          filter: { shaPrefix: "zz" },
        }),
      ),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toBe(
      "field app.project: a name is lowercase letters, digits and hyphens, starting and ending with a letter or digit (e.g. my-app); " +
        "field filter.sha_prefix: a SHA prefix is 4–40 lowercase hex characters",
    );
    expect(err.rawMessage).not.toContain("SECRET");
  });

  it("refuses any string field past its max_len, or past the default when it has none", () => {
    const secret = `berth_${"s".repeat(5000)}`;
    const revoke = invalid(() =>
      check(validator, RevokeTokenRequestSchema, create(RevokeTokenRequestSchema, { id: secret })),
    );
    expect(revoke.rawMessage).toBe("field id: value length must be at most 64 characters");
    const status = invalid(() =>
      check(
        validator,
        EntrypointSessionRequestSchema,
        create(EntrypointSessionRequestSchema, { msg: { case: "status", value: { appState: secret } } }),
      ),
    );
    expect(status.rawMessage).toBe(
      `field status.app_state: value length must be at most ${defaultStringMaxLen} characters`,
    );
    // A field's own max_len wins over the default, in lists and maps too.
    const config = invalid(() =>
      check(
        validator,
        UpsertApplicationRequestSchema,
        create(UpsertApplicationRequestSchema, {
          app: { project: "shop", app: "web" },
          labels: { [secret]: "x" },
          configJson: "x".repeat(65_537),
        }),
      ),
    );
    expect(config.rawMessage).toContain("field config_json: value length must be at most 65536 characters");
    expect(config.rawMessage).toContain("field labels: value length must be at most");
    expect(config.rawMessage).not.toContain("berth_");
    // Exactly at the limit, counting characters (code points) like protovalidate, passes.
    expect(() =>
      check(
        validator,
        EntrypointSessionRequestSchema,
        create(EntrypointSessionRequestSchema, {
          msg: { case: "status", value: { appState: "😀".repeat(defaultStringMaxLen) } },
        }),
      ),
    ).not.toThrow();
  });

  it("rejects a page size of 10^9 naming page_size", () => {
    const err = invalid(() =>
      check(
        validator,
        ListDeploymentsRequestSchema,
        create(ListDeploymentsRequestSchema, { app: { project: "shop", app: "web" }, pageSize: 1e9 }),
      ),
    );
    expect(err.rawMessage).toBe("field page_size: must be less than or equal to 1000");
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
      rawMessage: "field tail_lines: must be less than or equal to 100000",
    });
    // A message-level (CEL) rule speaks for itself, without a "field" prefix.
    const empty = logs.getLogStream({});
    await expect(empty[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.not.stringMatching(/^field /),
    });
  });
});
