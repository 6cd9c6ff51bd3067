import type { IncomingMessage } from "node:http";
import type { RouteTable } from "@berth/proto";
import { startNodeProxy } from "../proxy/node-proxy.js";
import { createEndpointEjections } from "../routing/endpoint-ejections.js";
import { parseHost } from "../routing/parse-host.js";
import { indexRouteTable, type Resolution, type RouteIndex } from "../routing/route-index.js";
import { stickyDeployment } from "../routing/sticky-cookie.js";
import { createTrafficRecorder } from "../traffic/traffic-recorder.js";
import type { RouterEngine } from "./engine.js";

/** The embedded default: Berth's Node proxy, with passive health (refused connections) of its own. */
export async function startNodeEngine(options: {
  host: string;
  port: number;
  trafficMetrics: boolean;
}): Promise<RouterEngine> {
  const ejections = createEndpointEjections();
  const traffic = createTrafficRecorder();
  let index: RouteIndex | undefined;

  const resolve = (req: IncomingMessage): Resolution => {
    if (!index)
      return {
        ok: false,
        status: 503,
        message: "this router has no route table yet: it is waiting for the Berth server",
      };
    const baseDomain = index.table.baseDomain;
    const target = parseHost(req.headers.host, baseDomain);
    if (!target)
      return {
        ok: false,
        status: 404,
        message: `"${req.headers.host ?? ""}" is not an app host; use <app>.<project>.${baseDomain} or <app>--v<N>.<project>.${baseDomain}`,
      };
    return index.resolve(target, ejections.usable, stickyDeployment(req.headers.cookie));
  };

  const proxy = await startNodeProxy({
    host: options.host,
    port: options.port,
    resolve,
    onRefused: (endpoint) => ejections.eject(endpoint),
    onFinished: options.trafficMetrics ? traffic.record : undefined,
  });
  return {
    port: proxy.port,
    drainTraffic: traffic.drain,
    async serve(table: RouteTable) {
      index = indexRouteTable(table);
      ejections.retain(index.endpoints());
    },
    async close(graceMs) {
      ejections.close();
      await proxy.close(graceMs);
    },
  };
}
