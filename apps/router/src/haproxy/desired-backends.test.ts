import { RouteTableSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { desiredBackends } from "./desired-backends.js";

const ep = (port: number, healthy = true) => ({ instanceId: `i${port}`, host: "127.0.0.1", port, healthy });

function routes(targets: { deploymentId: string; weight: number }[]) {
  return desiredBackends(
    create(RouteTableSchema, {
      baseDomain: "Apps.Test",
      apps: [{ project: "shop", app: "web", targets }],
      deployments: [
        { id: "d1", project: "shop", app: "web", seq: 1, endpoints: [ep(8001), ep(8002), ep(8003, false)] },
        { id: "d2", project: "shop", app: "web", seq: 2, endpoints: [ep(9001)] },
      ],
    }),
  );
}

const weights = (r: ReturnType<typeof routes>, key: string) =>
  Object.fromEntries(
    [...(r.backends.find((b) => b.key === key)?.servers.values() ?? [])].map((s) => [s.port, s.weight]),
  );

describe("desiredBackends", () => {
  it("gives each deployment its host with only its healthy endpoints", () => {
    const r = routes([]);
    expect(r.backends.find((b) => b.key === "d:d1")).toMatchObject({
      host: "web--v1.shop.apps.test",
      label: "web.shop v1",
    });
    expect(weights(r, "d:d1")).toEqual({ 8001: 1, 8002: 1 });
    expect(r.unreleased).toEqual([{ host: "web.shop.apps.test", label: "web.shop" }]);
  });

  it("divides a deployment's share over its healthy endpoints, the largest weight 256", () => {
    // d1: 50 % over 2 endpoints (25 each), d2: 50 % on 1 endpoint.
    expect(
      weights(
        routes([
          { deploymentId: "d1", weight: 50 },
          { deploymentId: "d2", weight: 50 },
        ]),
        "a:shop/web",
      ),
    ).toEqual({
      8001: 128,
      8002: 128,
      9001: 256,
    });
  });

  it("drops a target with weight 0 and counts all-zero shares as equal", () => {
    expect(
      weights(
        routes([
          { deploymentId: "d1", weight: 100 },
          { deploymentId: "d2", weight: 0 },
        ]),
        "a:shop/web",
      ),
    ).toEqual({
      8001: 256,
      8002: 256,
    });
    expect(
      weights(
        routes([
          { deploymentId: "d1", weight: 0 },
          { deploymentId: "d2", weight: 0 },
        ]),
        "a:shop/web",
      ),
    ).toEqual({
      8001: 128,
      8002: 128,
      9001: 256,
    });
  });

  it("names the field at fault", () => {
    expect(() =>
      desiredBackends(
        create(RouteTableSchema, {
          baseDomain: "t",
          deployments: [
            {
              id: "d9",
              project: "shop",
              app: "web",
              seq: 1,
              endpoints: [{ instanceId: "i1", host: "localhost", port: 80, healthy: true }],
            },
          ],
        }),
      ),
    ).toThrow('route table: deployment d9 instance i1: host "localhost" is not an IP address');
    expect(() =>
      desiredBackends(
        create(RouteTableSchema, { baseDomain: "t", apps: [{ project: "shop", app: "Web App" }] }),
      ),
    ).toThrow('route table: app "Web App" is not a lowercase DNS label');
  });
});
