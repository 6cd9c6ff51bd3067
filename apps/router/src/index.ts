// The data plane's router: serves app hosts from a route table the server streams to it.
export { loadRouteSnapshot, SnapshotError, saveRouteSnapshot } from "./feed/route-snapshot.js";
export { type NodeProxy, type NodeProxyOptions, startNodeProxy } from "./proxy/node-proxy.js";
export { type HostTarget, parseHost } from "./routing/parse-host.js";
export { indexRouteTable, type Resolution, type RouteIndex } from "./routing/route-index.js";
export { type RouterOptions, type RouteSource, type RunningRouter, startRouter } from "./start-router.js";
export type { TrafficDelta } from "./traffic/traffic-recorder.js";
