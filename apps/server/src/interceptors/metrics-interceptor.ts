import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { Counter, Histogram, type Registry } from "prom-client";

/**
 * Counts RPCs by method and result code and times them (for streams: until the response stream
 * is set up, not until it ends).
 */
export function createMetricsInterceptor(registry: Registry): Interceptor {
  const calls = new Counter({
    name: "berth_rpc_requests_total",
    help: "RPCs handled, by method and code",
    labelNames: ["method", "code"],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "berth_rpc_duration_seconds",
    help: "Time to handle unary RPCs",
    labelNames: ["method"],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  return (next) => async (req) => {
    const method = `${req.service.typeName}/${req.method.name}`;
    const end = seconds.startTimer({ method });
    try {
      const res = await next(req);
      calls.inc({ method, code: "ok" });
      return res;
    } catch (e) {
      calls.inc({ method, code: Code[ConnectError.from(e).code] ?? "unknown" });
      throw e;
    } finally {
      end();
    }
  };
}
