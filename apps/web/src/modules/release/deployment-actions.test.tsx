import {
  DeploymentSchema,
  DeploymentService,
  DeploymentStatus,
  type Release,
  ReleaseSchema,
  ReleaseService,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import { screen, waitFor } from "@testing-library/react";
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

function setup(
  role: "viewer" | "deployer",
  deployment = dep(12),
  releases: Release[] = [],
  sibling?: React.ReactNode,
) {
  const transport = createRouterTransport(({ service }) => {
    service(ReleaseService, { listReleases: () => ({ releases }) });
    service(DeploymentService, {
      getDeployment: (req) => ({ deployment: dep(Number(req.id.slice(1))) }),
    });
  });
  renderWithApp(
    <>
      <DeploymentActions project="shop" app="web" deployment={deployment} current={dep(14, true)} />
      {sibling}
    </>,
    {
      transport,
      path: "/",
      pattern: "/",
      viewer: { name: "vera", role },
    },
  );
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

  const history = [14, 12].map((seq, i) =>
    create(ReleaseSchema, {
      id: `r${i}`,
      seq: 2 - i,
      targets: [{ deploymentId: `d${seq}`, seq, weight: 100 }],
    }),
  );

  it("compares the released deployment with the one a rollback returns to, never with itself", async () => {
    setup("deployer", dep(14, true), history);
    await waitFor(() =>
      expect(screen.getByRole("link", { name: "Compare" }).getAttribute("href")).toBe(
        "/p/shop/a/web/compare?a=v12&b=v14",
      ),
    );
    expect(screen.getByRole("button", { name: "Roll back" })).toBeTruthy();
  });

  it("offers an unreleased deployment Release only (not also Roll back), compared with the released one", async () => {
    // Both rows share the rollback-target query: once the released row shows Roll back, the target has loaded.
    setup(
      "deployer",
      dep(12),
      history,
      <DeploymentActions project="shop" app="web" deployment={dep(14, true)} current={dep(14, true)} />,
    );
    await waitFor(() => expect(screen.getAllByRole("button", { name: "Roll back" })).toHaveLength(1));
    expect(screen.getAllByRole("button", { name: "Release" })).toHaveLength(1);
    expect(screen.getAllByRole("link", { name: "Compare" }).map((l) => l.getAttribute("href"))).toEqual([
      "/p/shop/a/web/compare?a=v14&b=v12",
      "/p/shop/a/web/compare?a=v12&b=v14",
    ]);
  });
});
