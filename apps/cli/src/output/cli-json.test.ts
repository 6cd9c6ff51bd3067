import { DeploymentSchema, DeploymentStatus, ListDeploymentsRequestSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { cliJson } from "./cli-json.js";

describe("cliJson", () => {
  it("prints enum values as their lower-case word, in nested messages and lists too", () => {
    const json = cliJson(
      DeploymentSchema,
      create(DeploymentSchema, { seq: 3, status: DeploymentStatus.HEALTHY }),
    );
    expect(json).toMatchObject({ seq: 3, status: "healthy", released: false });
    const req = cliJson(
      ListDeploymentsRequestSchema,
      create(ListDeploymentsRequestSchema, {
        statuses: [DeploymentStatus.FAILED, DeploymentStatus.UNSPECIFIED],
      }),
    );
    expect(req).toMatchObject({ statuses: ["failed", "unspecified"] });
  });
});
