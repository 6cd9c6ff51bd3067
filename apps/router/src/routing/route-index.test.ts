import { RouteTableSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { indexRouteTable } from "./route-index.js";
import { stickyCookie, stickyDeployment } from "./sticky-cookie.js";

const endpoint = (instanceId: string, port: number) => ({
  instanceId,
  host: "127.0.0.1",
  port,
  healthy: true,
});
const table = (weights: [number, number]) =>
  create(RouteTableSchema, {
    version: 1n,
    baseDomain: "localhost",
    apps: [
      {
        project: "shop",
        app: "web",
        targets: [
          { deploymentId: "d1", weight: weights[0] },
          { deploymentId: "d2", weight: weights[1] },
        ].filter((t) => t.weight > 0),
      },
    ],
    deployments: [
      { id: "d1", project: "shop", app: "web", seq: 1, endpoints: [endpoint("i1", 1001)] },
      { id: "d2", project: "shop", app: "web", seq: 2, endpoints: [endpoint("i2", 1002)] },
    ],
  });
const app = { kind: "app", project: "shop", app: "web" } as const;
const usable = () => true;

describe("sticky versions", () => {
  it("keeps a pinned client on its deployment while the split lasts, and marks split answers sticky", () => {
    // random() = 0 always picks d1 by weight: the pin must win over the draw.
    const index = indexRouteTable(table([90, 10]), () => 0);
    const drawn = index.resolve(app, usable);
    expect(drawn).toMatchObject({ ok: true, deploymentId: "d1", sticky: true });
    expect(index.resolve(app, usable, "d2")).toMatchObject({ ok: true, deploymentId: "d2", sticky: true });
    expect(index.resolve(app, usable, "gone")).toMatchObject({ ok: true, deploymentId: "d1" });
  });

  it("ignores the pin once one deployment takes all the traffic", () => {
    const index = indexRouteTable(table([100, 0]), () => 0.99);
    const r = index.resolve(app, usable, "d2");
    expect(r).toMatchObject({ ok: true, deploymentId: "d1" });
    expect(r.ok && r.sticky).toBeFalsy();
  });

  it("reads its cookie among others and writes a host-only HttpOnly one", () => {
    expect(stickyDeployment("a=1; berth_version=01ABC ; b=2")).toBe("01ABC");
    expect(stickyDeployment("xberth_version=1")).toBeUndefined();
    expect(stickyDeployment(undefined)).toBeUndefined();
    expect(stickyCookie("01ABC")).toBe("berth_version=01ABC; Path=/; HttpOnly; SameSite=Lax");
  });
});
