import { ApplicationSchema, ProjectService } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { CatalogPage } from "./catalog-page.js";

const app = (project: string, name: string, owner: string, extra: Partial<{ description: string }> = {}) =>
  create(ApplicationSchema, {
    project,
    name,
    owner,
    labels: { tier: name === "web" ? "frontend" : "backend" },
    links: { runbook: `https://wiki.example/${name}` },
    releasedSeq: 3,
    ...extra,
  });

describe("CatalogPage", () => {
  it("lists every project's apps with owner, labels and links, and finds them by owner or label", async () => {
    const transport = createRouterTransport(({ service }) => {
      service(ProjectService, {
        listProjects: () => ({ projects: [{ name: "shop" }, { name: "ops" }] }),
        listApplications: (req) => ({
          applications:
            req.project === "shop"
              ? [
                  app("shop", "web", "team-storefront", { description: "<b>The shop front</b>" }),
                  app("shop", "api", "team-core"),
                ]
              : [app("ops", "grafana", "team-core")],
        }),
      });
    });
    renderWithApp(<CatalogPage />, { transport, path: "/catalog", pattern: "/catalog" });
    const list = await screen.findByRole("list", { name: "Apps" });
    const web = await within(list).findByRole("listitem", { name: "shop/web" });
    // Text from berth.hcl stays text; links open the runbook.
    expect(web.textContent).toContain("<b>The shop front</b>");
    expect(within(web).getByRole("link", { name: "runbook" }).getAttribute("href")).toBe(
      "https://wiki.example/web",
    );
    await within(list).findByRole("listitem", { name: "ops/grafana" });

    fireEvent.change(screen.getByRole("searchbox", { name: "Search the catalog" }), {
      target: { value: "team-core" },
    });
    expect(
      within(list)
        .getAllByRole("listitem")
        .map((li) => li.getAttribute("aria-label")),
    ).toEqual(["shop/api", "ops/grafana"]);
    fireEvent.change(screen.getByRole("searchbox", { name: "Search the catalog" }), {
      target: { value: "tier=frontend" },
    });
    expect(
      within(list)
        .getAllByRole("listitem")
        .map((li) => li.getAttribute("aria-label")),
    ).toEqual(["shop/web"]);
  });
});
