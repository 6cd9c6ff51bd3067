import type { RouteTable } from "@berth/proto";
import type { TrafficDelta } from "../traffic/traffic-recorder.js";

/** What serves requests from a route table: Berth's Node proxy, or haproxy driven through its runtime API. */
export interface RouterEngine {
  port: number;
  /**
   * Serves `table` from now on (the newest wins when tables come faster than they apply); resolves once it is
   * served (at once for the Node proxy, after the runtime API commands for haproxy).
   */
  serve(table: RouteTable): Promise<void>;
  /**
   * Requests served per deployment since the last call (progressive releases' live metrics). Absent: the engine
   * keeps none (haproxy: its counters are per slot, not per deployment, and are not read yet).
   */
  drainTraffic?(): TrafficDelta[];
  /** Stops; requests in flight get `graceMs` to finish. */
  close(graceMs?: number): Promise<void>;
}
