import { describe, expect, it } from "vitest";
import type { DesiredBackend, DesiredRoutes } from "./desired-backends.js";
import { emptyState, planApply, type SlotPool } from "./plan-apply.js";

const pool: SlotPool = {
  backends: 2,
  slotsPerBackend: 3,
  backendName: (i) => `b${i}`,
  hostsMap: "/d/hosts.map",
  namesMap: "/d/names.map",
  unreleasedBackend: "unreleased",
  baseDomainKey: "berth.base-domain",
};

function backend(key: string, host: string, label: string, ports: [number, number][]): DesiredBackend {
  return {
    key,
    host,
    label,
    servers: new Map(ports.map(([port, weight]) => [`127.0.0.1:${port}`, { ip: "127.0.0.1", port, weight }])),
  };
}

const routes = (...backends: DesiredBackend[]): DesiredRoutes => ({
  baseDomain: "t",
  backends,
  unreleased: [],
});

describe("planApply", () => {
  it("brings new slots up, then maps hosts (label first), from an empty haproxy", () => {
    const { commands, next } = planApply(
      emptyState(pool),
      routes(backend("d:1", "web--v1.shop.t", "web.shop v1", [[8001, 1]])),
      pool,
    );
    expect(commands).toEqual([
      "set server b0/s1 addr 127.0.0.1 port 8001",
      "set server b0/s1 weight 1",
      "set server b0/s1 state ready",
      "set server b0/s1 health up",
      "add map /d/names.map berth.base-domain t",
      "add map /d/names.map web--v1.shop.t web.shop\\ v1",
      "add map /d/hosts.map web--v1.shop.t b0",
    ]);
    expect(next.freeBackends).toEqual(["b1"]);
  });

  it("moves a release: new endpoint up first, weights of kept ones, old one down after the maps", () => {
    const first = planApply(
      emptyState(pool),
      routes(backend("a:shop/web", "web.shop.t", "web.shop", [[8001, 256]])),
      pool,
    ).next;
    const { commands } = planApply(
      first,
      routes(
        backend("a:shop/web", "web.shop.t", "web.shop", [
          [8002, 256],
          [8003, 10],
        ]),
      ),
      pool,
    );
    expect(commands).toEqual([
      "set server b0/s2 addr 127.0.0.1 port 8002",
      "set server b0/s2 weight 256",
      "set server b0/s2 state ready",
      "set server b0/s2 health up",
      "set server b0/s3 addr 127.0.0.1 port 8003",
      "set server b0/s3 weight 10",
      "set server b0/s3 state ready",
      "set server b0/s3 health up",
      "set server b0/s1 state maint",
    ]);
  });

  it("changes only the weight of an endpoint that stays", () => {
    const first = planApply(
      emptyState(pool),
      routes(backend("a:x/y", "y.x.t", "y.x", [[8001, 256]])),
      pool,
    ).next;
    expect(planApply(first, routes(backend("a:x/y", "y.x.t", "y.x", [[8001, 20]])), pool).commands).toEqual([
      "set server b0/s1 weight 20",
    ]);
  });

  it("frees the backend of a deployment that left the table and unmaps its host", () => {
    const first = planApply(emptyState(pool), routes(backend("d:1", "h.t", "h", [[8001, 1]])), pool).next;
    const { commands, next } = planApply(first, routes(), pool);
    expect(commands).toEqual([
      "del map /d/hosts.map h.t",
      "set server b0/s1 state maint",
      "del map /d/names.map h.t",
    ]);
    expect(next.freeBackends).toEqual(["b1", "b0"]);
  });

  it("refuses more backends than declared, sending nothing", () => {
    const three = ["1", "2", "3"].map((k) => backend(`d:${k}`, `${k}.t`, k, []));
    expect(() => planApply(emptyState(pool), routes(...three), pool)).toThrow(
      "the route table needs 3 new backends while 0 are in use; 2 are declared (option backends)",
    );
  });
});
