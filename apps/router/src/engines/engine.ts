import type { RouteTable } from "@berth/proto";

/** What serves requests from a route table: Berth's Node proxy, or haproxy driven through its runtime API. */
export interface RouterEngine {
  port: number;
  /**
   * Serves `table` from now on (the newest wins when tables come faster than they apply); resolves once it is
   * served (at once for the Node proxy, after the runtime API commands for haproxy).
   */
  serve(table: RouteTable): Promise<void>;
  /** Stops; requests in flight get `graceMs` to finish. */
  close(graceMs?: number): Promise<void>;
}
