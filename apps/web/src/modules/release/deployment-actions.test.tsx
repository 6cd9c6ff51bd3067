import { DeploymentSchema, DeploymentStatus, ReleaseService } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { DeploymentActions } from "./deployment-actions.js";

const dep = (seq: number, released = false) =>
  create(DeploymentSchema, {
    id: `d${seq}`,
    project: "shop",
    app: "web",
    seq,
    status: DeploymentStatus.HEALTHY,
    released,
  });

function setup(role: "viewer" | "deployer") {
  const transport = createRouterTransport(({ service }) => {
    service(ReleaseService, { listReleases: () => ({ releases: [] }) });
  });
  renderWithApp(<DeploymentActions project="shop" app="web" deployment={dep(12)} current={dep(14, true)} />, {
    transport,
    path: "/",
    pattern: "/",
    viewer: { name: "vera", role },
  });
}

describe("DeploymentActions", () => {
  it("disables Release for a viewer and says why", () => {
    setup("viewer");
    const release = screen.getByRole("button", { name: "Release" }) as HTMLButtonElement;
    expect(release.disabled).toBe(true);
    expect(release.title).toBe("Needs the deployer role; you are a viewer.");
    expect(screen.getByText("Needs the deployer role; you are a viewer.")).toBeTruthy();
  });

  it("enables Release for a deployer and links logs and terminal of this version", () => {
    setup("deployer");
    expect((screen.getByRole("button", { name: "Release" }) as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByRole("link", { name: "Logs" }).getAttribute("href")).toBe(
      "/p/shop/a/web/logs?deployment=v12",
    );
    expect(screen.getByRole("link", { name: "Terminal" }).getAttribute("href")).toBe(
      "/p/shop/a/web/terminal?deployment=v12",
    );
  });
});
