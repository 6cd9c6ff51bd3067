import { DeploymentSchema, DeploymentService, DeploymentStatus } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { ComparePage } from "./compare-page.js";

describe("ComparePage", () => {
  it("names its two pickers Base and Target", async () => {
    const transport = createRouterTransport(({ service }) => {
      service(DeploymentService, {
        listDeployments: () => ({
          deployments: [1, 2].map((seq) =>
            create(DeploymentSchema, { id: `d${seq}`, seq, status: DeploymentStatus.HEALTHY }),
          ),
        }),
      });
    });
    renderWithApp(<ComparePage />, {
      transport,
      path: "/p/shop/a/web/compare",
      pattern: "/p/:project/a/:app/compare",
    });
    expect(await screen.findByRole("combobox", { name: "Base" })).toBeTruthy();
    expect(screen.getByRole("combobox", { name: "Target" })).toBeTruthy();
    expect(screen.queryByRole("combobox", { name: "Deployment" })).toBeNull();
  });
});
