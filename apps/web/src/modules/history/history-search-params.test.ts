import { DeploymentStatus } from "@berth/proto";
import { describe, expect, it } from "vitest";
import { parseHistorySearch, toHistoryFilter, writeHistorySearch } from "./history-search-params.js";

describe("history search params", () => {
  it("reads the query and known statuses from the URL", () => {
    const s = parseHistorySearch(new URLSearchParams("q=a1b2c3d&status=healthy,bogus,failed"));
    expect(s).toEqual({ q: "a1b2c3d", statuses: [DeploymentStatus.HEALTHY, DeploymentStatus.FAILED] });
  });

  it("writes back, dropping empty values and keeping other params", () => {
    const next = writeHistorySearch(new URLSearchParams("q=old&tab=x"), {
      q: "  ",
      statuses: [DeploymentStatus.UNHEALTHY],
    });
    expect(next.get("q")).toBeNull();
    expect(next.get("tab")).toBe("x");
    expect(next.get("status")).toBe("unhealthy");
  });

  it("round-trips", () => {
    const search = { q: "fix login", statuses: [DeploymentStatus.DEPLOYING, DeploymentStatus.DESTROYED] };
    expect(parseHistorySearch(writeHistorySearch(new URLSearchParams(), search))).toEqual(search);
  });

  it("maps hex to a SHA prefix, branch: to a branch and the rest to message text", () => {
    expect(toHistoryFilter("A1B2C3D")).toEqual({ shaPrefix: "a1b2c3d" });
    expect(toHistoryFilter("abc")).toEqual({ text: "abc" });
    expect(toHistoryFilter("branch: main")).toEqual({ branch: "main" });
    expect(toHistoryFilter("fix the cart")).toEqual({ text: "fix the cart" });
    expect(toHistoryFilter("   ")).toBeUndefined();
  });
});
