import type { RouteTable } from "@berth/proto";
import { startHaproxyDataPlane } from "../haproxy/start-haproxy-data-plane.js";
import type { RouterEngine } from "./engine.js";

/**
 * The native data plane: Debian's haproxy serves the requests, this process only turns route tables into
 * runtime API commands (no reloads). Tables are applied one at a time, each time the newest.
 */
export async function startHaproxyEngine(options: {
  host: string;
  port: number;
  dataDir: string;
  log: (message: string) => void;
}): Promise<RouterEngine> {
  const haproxy = await startHaproxyDataPlane({
    host: options.host,
    port: options.port,
    dataDir: options.dataDir,
    onError: (err) => options.log(`haproxy: ${err.message}`),
  });
  let applying: Promise<void> | undefined;
  let pending: RouteTable | undefined;
  return {
    port: haproxy.port,
    serve(table) {
      pending = table;
      applying ??= (async () => {
        while (pending) {
          const next = pending;
          pending = undefined;
          // A refused table leaves haproxy serving the previous one; the next table resyncs everything.
          await haproxy
            .apply(next)
            .catch((err: Error) => options.log(`haproxy kept the previous routes: ${err.message}`));
        }
        applying = undefined;
      })();
      return applying;
    },
    async close() {
      await applying;
      await haproxy.close();
    },
  };
}
