import {
  ConfigService,
  DeploymentSchema,
  DeploymentService,
  DeploymentStatus,
  GitCommitSchema,
  GitInfoSchema,
  ReleaseService,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import { screen } from "@testing-library/react";
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import { ReleaseDialog } from "../modules/release/release-dialog.js";
import { DeploymentsPage } from "../pages/DeploymentsPage/deployments-page.js";
import { LoginPage } from "../pages/LoginPage/login-page.js";
import { renderWithApp } from "./render-with-app.js";

const dep = (seq: number) =>
  create(DeploymentSchema, {
    id: `d${seq}`,
    project: "shop",
    app: "web",
    seq,
    status: DeploymentStatus.HEALTHY,
    configRevision: 1,
    git: create(GitInfoSchema, { sha: "a1b2c3d".padEnd(40, "0"), branch: "main", message: `change ${seq}` }),
  });

const transport = createRouterTransport(({ service }) => {
  service(DeploymentService, {
    listDeployments: () => ({ deployments: [dep(2), dep(1)] }),
    listCommitsBetween: () => ({
      removed: [create(GitCommitSchema, { sha: "b".repeat(40), subject: "change 2", author: "Ada" })],
    }),
  });
  service(ReleaseService, { listReleases: () => ({ releases: [] }) });
  service(ConfigService, { diffConfigRevisions: () => ({ changes: [] }) });
});

/** Serious or critical axe violations (contrast needs real layout, so the browser checks that). */
async function violations(root: Element) {
  const res = await axe.run(root, {
    rules: { "color-contrast": { enabled: false } },
    resultTypes: ["violations"],
  });
  return res.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
}

describe("accessibility (axe, structural rules)", () => {
  it("login page", async () => {
    const { container } = renderWithApp(<LoginPage />, { transport, path: "/login", pattern: "/login" });
    expect(await violations(container)).toEqual([]);
  });

  it("deployment history", async () => {
    const { container } = renderWithApp(<DeploymentsPage />, {
      transport,
      path: "/p/shop/a/web/deployments",
      pattern: "/p/:project/a/:app/deployments",
    });
    await screen.findAllByTestId("deployment-row");
    expect(await violations(container)).toEqual([]);
  });

  it("release dialog", async () => {
    renderWithApp(
      <ReleaseDialog
        mode="release"
        open
        onClose={() => {}}
        project="shop"
        app="web"
        target={dep(1)}
        current={dep(2)}
      />,
      { transport, path: "/", pattern: "/" },
    );
    await screen.findByRole("list", { name: "Commits removed" });
    expect(await violations(document.body)).toEqual([]);
  });
});
