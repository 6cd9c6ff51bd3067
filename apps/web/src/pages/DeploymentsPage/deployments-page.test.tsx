import {
  DeploymentSchema,
  DeploymentService,
  DeploymentStatus,
  GitInfoSchema,
  type ListDeploymentsRequest,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { DeploymentsPage } from "./deployments-page.js";

const sha = (c: string) => c.repeat(40).slice(0, 40);

const deployments = [
  create(DeploymentSchema, {
    id: "d2",
    project: "shop",
    app: "web",
    seq: 2,
    status: DeploymentStatus.HEALTHY,
    released: true,
    git: create(GitInfoSchema, {
      sha: `a1b2c3d${sha("e").slice(7)}`,
      branch: "main",
      author: "ada",
      message: "fix cart",
    }),
  }),
  create(DeploymentSchema, {
    id: "d1",
    project: "shop",
    app: "web",
    seq: 1,
    status: DeploymentStatus.FAILED,
    git: create(GitInfoSchema, {
      sha: sha("9"),
      branch: "main",
      author: "bob",
      message: "<img src=x onerror=alert(1)>",
    }),
  }),
];

function setup(path = "/p/shop/a/web/deployments") {
  const requests: ListDeploymentsRequest[] = [];
  const transport = createRouterTransport(({ service }) => {
    service(DeploymentService, {
      listDeployments(req) {
        requests.push(req);
        const prefix = req.filter?.shaPrefix ?? "";
        return { deployments: deployments.filter((d) => d.git!.sha.startsWith(prefix)) };
      },
    });
  });
  const view = renderWithApp(<DeploymentsPage />, {
    transport,
    path,
    pattern: "/p/:project/a/:app/deployments",
  });
  return { ...view, requests };
}

describe("DeploymentsPage", () => {
  it("lists deployments with version, status, short SHA and the released badge", async () => {
    setup();
    const rows = await screen.findAllByTestId("deployment-row");
    expect(rows).toHaveLength(2);
    expect(screen.getByRole("row", { name: "v2" }).textContent).toContain("a1b2c3d");
    expect(screen.getByRole("row", { name: "v2" }).textContent).toContain("released");
    expect(screen.getByRole("link", { name: "v1" }).getAttribute("href")).toBe(
      "/p/shop/a/web/deployments/v1",
    );
  });

  it("renders commit messages as text, never HTML", async () => {
    const { container } = setup();
    await screen.findAllByTestId("deployment-row");
    expect(container.querySelector("img")).toBeNull();
    expect(screen.getByRole("row", { name: "v1" }).textContent).toContain("<img src=x onerror=alert(1)>");
  });

  it("sends a pasted SHA prefix to the server and keeps it in the URL", async () => {
    const { requests, location } = setup();
    await screen.findAllByTestId("deployment-row");
    fireEvent.change(screen.getByRole("searchbox", { name: /search deployments/i }), {
      target: { value: "a1b2c3d" },
    });
    await waitFor(() => expect(screen.getAllByTestId("deployment-row")).toHaveLength(1));
    expect(requests.at(-1)?.filter?.shaPrefix).toBe("a1b2c3d");
    expect(location.search).toBe("?q=a1b2c3d");
  });

  it("starts from the search in a shared URL", async () => {
    const { requests } = setup("/p/shop/a/web/deployments?q=a1b2&status=healthy");
    await screen.findAllByTestId("deployment-row");
    expect(requests[0]?.filter?.shaPrefix).toBe("a1b2");
    expect(requests[0]?.statuses).toEqual([DeploymentStatus.HEALTHY]);
    expect((screen.getByRole("searchbox", { name: /search deployments/i }) as HTMLInputElement).value).toBe(
      "a1b2",
    );
  });

  it("shows the server's error with a retry", async () => {
    const transport = createRouterTransport(({ service }) => {
      service(DeploymentService, {
        listDeployments() {
          throw new ConnectError("store is locked", Code.Unavailable);
        },
      });
    });
    renderWithApp(<DeploymentsPage />, {
      transport,
      path: "/p/shop/a/web/deployments",
      pattern: "/p/:project/a/:app/deployments",
    });
    expect((await screen.findByRole("alert")).textContent).toContain("store is locked");
    expect(screen.getByRole("button", { name: "Retry" })).toBeTruthy();
  });
});
