import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseHost } from "./parse-host.js";
import { createRoundRobin, pickWeighted } from "./pick-target.js";

describe("parseHost", () => {
  it("reads deployment and app hosts, with or without a port", () => {
    expect(parseHost("web--v3.shop.localhost:9702", "localhost")).toEqual({
      kind: "deployment",
      project: "shop",
      app: "web",
      seq: 3,
    });
    expect(parseHost("Web.Shop.example.com", "example.com")).toEqual({
      kind: "app",
      project: "shop",
      app: "web",
    });
    expect(parseHost("web.shop.other.com", "example.com")).toBeUndefined();
    expect(parseHost("a.web.shop.localhost", "localhost")).toBeUndefined();
    expect(parseHost("web--v0.shop.localhost", "localhost")).toBeUndefined();
  });
  it("reads a preview app's host and its deployments' hosts, nothing else with --", () => {
    expect(parseHost("web--pr-7.shop.localhost:9702", "localhost")).toEqual({
      kind: "app",
      project: "shop",
      app: "web--pr-7",
    });
    expect(parseHost("web--pr-7--v2.shop.localhost", "localhost")).toEqual({
      kind: "deployment",
      project: "shop",
      app: "web--pr-7",
      seq: 2,
    });
    for (const host of ["web--pr-0.shop.localhost", "a--b--pr-1.shop.localhost", "web--x.shop.localhost"])
      expect(parseHost(host, "localhost")).toBeUndefined();
  });
  it("round-trips any app name and seq", () => {
    const name = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/).filter((s) => !s.includes("--"));
    fc.assert(
      fc.property(name, name, fc.integer({ min: 1, max: 1_000_000 }), (app, project, seq) => {
        const d = parseHost(`${app}--v${seq}.${project}.localhost`, "localhost");
        const a = parseHost(`${app}.${project}.localhost`, "localhost");
        return (
          d?.kind === "deployment" && d.seq === seq && d.app === app && a?.kind === "app" && a.app === app
        );
      }),
    );
  });
});

describe("pickWeighted", () => {
  it("splits traffic by weight", () => {
    const targets = [
      { deploymentId: "old", weight: 90 },
      { deploymentId: "new", weight: 10 },
    ];
    expect(pickWeighted(targets, 0.05)?.deploymentId).toBe("old");
    expect(pickWeighted(targets, 0.95)?.deploymentId).toBe("new");
  });
  it("always picks a target with positive weight", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(100), { minLength: 1, maxLength: 5 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (ws, r) => {
          const targets = ws.map((weight, i) => ({ deploymentId: String(i), weight }));
          const picked = pickWeighted(targets, r);
          return picked !== undefined && (ws.every((w) => w === 0) || picked.weight > 0);
        },
      ),
    );
  });
  it("round-robins per key", () => {
    const rr = createRoundRobin();
    expect([rr("a", [1, 2]), rr("a", [1, 2]), rr("a", [1, 2]), rr("b", [1, 2])]).toEqual([1, 2, 1, 1]);
  });
});
