import {
  ApplicationSchema,
  ConfigService,
  DeploymentSchema,
  DeploymentService,
  DeploymentStatus,
  ProjectService,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { ConfigPage } from "./config-page.js";

const dep = (seq: number, released: boolean, instanceCount: number) =>
  create(DeploymentSchema, { id: `d${seq}`, seq, released, instanceCount, status: DeploymentStatus.HEALTHY });

describe("ConfigPage", () => {
  it("shows berth.hcl defaults (marked) instead of 'No variables yet', and counts every instance a change restarts", async () => {
    const transport = createRouterTransport(({ service }) => {
      service(ConfigService, {
        listConfigVars: () => ({
          vars: [],
          revision: 0,
          hclDefaults: [{ name: "GREETING", value: "hello" }],
        }),
        listConfigRevisions: () => ({ revisions: [] }),
      });
      service(ProjectService, {
        getApplication: () => ({
          application: create(ApplicationSchema, {
            project: "shop",
            name: "web",
            releasedDeploymentId: "d3",
          }),
        }),
      });
      service(DeploymentService, {
        getDeployment: () => ({ deployment: dep(3, true, 2) }),
        listInstances: () => ({ instances: [] }),
        listDeployments: () => ({ deployments: [dep(3, true, 2), dep(2, false, 2)] }),
      });
    });
    renderWithApp(<ConfigPage />, {
      transport,
      path: "/p/shop/a/web/config",
      pattern: "/p/:project/a/:app/config",
    });
    const table = await screen.findByRole("table", { name: "Config variables" });
    const row = within(table).getByText("GREETING").closest("tr")!;
    expect(within(row).getByText("hello")).toBeTruthy();
    expect(within(row).getByText("berth.hcl")).toBeTruthy();
    expect(screen.queryByText("No variables yet")).toBeNull();
    expect(
      await screen.findByText(
        "A change restarts all 4 instances of v3 (released), v2, one at a time, with the new config.",
      ),
    ).toBeTruthy();
  });
});
