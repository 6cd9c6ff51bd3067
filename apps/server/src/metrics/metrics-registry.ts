import { collectDefaultMetrics, Registry } from "prom-client";

/** A fresh Prometheus registry for one server, with Node's process metrics (prefixed `berth_`). */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "berth_" });
  return registry;
}
