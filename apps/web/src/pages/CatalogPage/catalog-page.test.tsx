import { CatalogEntrySchema, DeploymentStatus, EventService, ProjectService } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { CatalogPage } from "./catalog-page.js";

const sha = "a".repeat(40);
const entry = (
  project: string,
  name: string,
  owner: string,
  extra: { description?: string; healthy?: number } = {},
) =>
  create(CatalogEntrySchema, {
    application: {
      project,
      name,
      owner,
      description: extra.description ?? "",
      labels: { tier: name === "web" ? "frontend" : "backend" },
      links: { runbook: `https://wiki.example/${name}` },
      releasedSeq: 3,
    },
    releasedStatus: DeploymentStatus.HEALTHY,
    releasedGit: { sha },
    runningInstances: 2,
    healthyInstances: extra.healthy ?? 2,
    lastDeploySeq: 4,
    lastDeployAt: timestampFromMs(Date.now() - 120_000),
    lastDeployBy: "dora",
    lastDeployStatus: DeploymentStatus.FAILED,
  });

function setup() {
  const transport = createRouterTransport(({ service }) => {
    service(ProjectService, {
      listCatalog: () => ({
        entries: [
          entry("shop", "web", "team-storefront", { description: "<b>The shop front</b>" }),
          entry("shop", "api", "team-core", { healthy: 1 }),
          entry("ops", "grafana", "team-core"),
        ],
      }),
    });
    // The live stream stays open and quiet.
    service(EventService, {
      async *watchEvents(_req, ctx) {
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      },
    });
  });
  renderWithApp(<CatalogPage />, { transport, path: "/catalog", pattern: "/catalog" });
}

const shownApps = (list: HTMLElement) =>
  within(list)
    .getAllByRole("listitem")
    .map((li) => li.getAttribute("aria-label"));

describe("CatalogPage", () => {
  it("shows each app's owner, links, health, released commit, instances and last deploy", async () => {
    setup();
    const list = await screen.findByRole("list", { name: "Apps" });
    const web = within(list).getByRole("listitem", { name: "shop/web" });
    // Text from berth.hcl stays text; links open the runbook.
    expect(web.textContent).toContain("<b>The shop front</b>");
    expect(within(web).getByRole("link", { name: "runbook" }).getAttribute("href")).toBe(
      "https://wiki.example/web",
    );
    expect(web.textContent).toContain("healthy");
    expect(web.textContent).toContain("v3");
    expect(web.textContent).toContain("2/2 instances healthy");
    expect(web.textContent).toContain("last deploy v4");
    expect(web.textContent).toContain("by dora");
    expect(within(web).getByRole("button", { name: "Copy commit SHA aaaaaaa" })).toBeTruthy();
    expect(within(list).getByRole("listitem", { name: "shop/api" }).textContent).toContain("degraded");
  });

  it("filters by owner, label, health and search", async () => {
    setup();
    const list = await screen.findByRole("list", { name: "Apps" });
    fireEvent.change(screen.getByRole("combobox", { name: "Filter by owner" }), {
      target: { value: "team-core" },
    });
    expect(shownApps(list)).toEqual(["shop/api", "ops/grafana"]);
    fireEvent.change(screen.getByRole("combobox", { name: "Filter by health" }), {
      target: { value: "degraded" },
    });
    expect(shownApps(list)).toEqual(["shop/api"]);
    fireEvent.change(screen.getByRole("combobox", { name: "Filter by health" }), { target: { value: "" } });
    fireEvent.change(screen.getByRole("combobox", { name: "Filter by owner" }), { target: { value: "" } });
    fireEvent.change(screen.getByRole("combobox", { name: "Filter by label" }), {
      target: { value: "tier=frontend" },
    });
    expect(shownApps(list)).toEqual(["shop/web"]);
    fireEvent.change(screen.getByRole("combobox", { name: "Filter by label" }), { target: { value: "" } });
    fireEvent.change(screen.getByRole("searchbox", { name: "Search the catalog" }), {
      target: { value: "grafana" },
    });
    expect(shownApps(list)).toEqual(["ops/grafana"]);
  });
});
