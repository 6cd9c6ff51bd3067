import { homedir } from "node:os";
import { join } from "node:path";

/** Where this machine keeps the CLI's caches: build scratch space, node_modules, parsed berth.hcl files. */
export function cliCacheDir(): string {
  return (
    process.env.BERTH_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "berth")
  );
}
