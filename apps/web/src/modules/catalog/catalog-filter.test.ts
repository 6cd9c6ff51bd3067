import { CatalogEntrySchema, DeploymentStatus } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { catalogChoices, filterCatalog, noCatalogFilter } from "./catalog-filter.js";
import { catalogHealth } from "./catalog-health.js";

function entry(
  name: string,
  owner: string,
  labels: Record<string, string>,
  health: { releasedStatus?: DeploymentStatus; runningInstances?: number; healthyInstances?: number },
) {
  return create(CatalogEntrySchema, {
    application: { project: "shop", name, owner, labels },
    ...health,
  });
}

const healthy = { releasedStatus: DeploymentStatus.HEALTHY, runningInstances: 2, healthyInstances: 2 };
const web = entry("web", "team-storefront", { tier: "web" }, healthy);
const api = entry("api", "team-core", { tier: "backend" }, { ...healthy, healthyInstances: 1 });
const jobs = entry("jobs", "team-core", { tier: "backend", lang: "go" }, {});

describe("catalogHealth", () => {
  it("corrects the deployment's status by its instances", () => {
    expect(catalogHealth(web)).toBe("healthy");
    expect(catalogHealth(api)).toBe("degraded");
    expect(catalogHealth(jobs)).toBe("not released");
    expect(catalogHealth(entry("x", "", {}, { releasedStatus: DeploymentStatus.HEALTHY }))).toBe("unhealthy");
    expect(catalogHealth(entry("x", "", {}, { releasedStatus: DeploymentStatus.UNHEALTHY }))).toBe(
      "unhealthy",
    );
    expect(catalogHealth(entry("x", "", {}, { releasedStatus: DeploymentStatus.DEPLOYING }))).toBe(
      "deploying",
    );
  });
});

describe("filterCatalog", () => {
  const all = [web, api, jobs];
  const names = (f: Partial<typeof noCatalogFilter>) =>
    filterCatalog(all, { ...noCatalogFilter, ...f }).map((e) => e.application?.name);

  it("keeps everything without filters", () => {
    expect(names({})).toEqual(["web", "api", "jobs"]);
  });

  it("filters by exact owner, by key=value label and by health, together with the search", () => {
    expect(names({ owner: "team-core" })).toEqual(["api", "jobs"]);
    expect(names({ owner: "team" })).toEqual([]);
    expect(names({ label: "tier=backend" })).toEqual(["api", "jobs"]);
    expect(names({ label: "tier=back" })).toEqual([]);
    expect(names({ health: "degraded" })).toEqual(["api"]);
    expect(names({ owner: "team-core", label: "lang=go" })).toEqual(["jobs"]);
    expect(names({ owner: "team-core", query: "api" })).toEqual(["api"]);
  });

  it("offers every owner and label present as choices", () => {
    expect(catalogChoices(all)).toEqual({
      owners: ["team-core", "team-storefront"],
      labels: ["lang=go", "tier=backend", "tier=web"],
    });
  });
});
