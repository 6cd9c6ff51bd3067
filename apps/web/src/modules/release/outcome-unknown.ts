import type { Release } from "@berth/proto";
import { Code, ConnectError } from "@connectrpc/connect";

// Failures of the connection rather than answers from the server: a release sent before one of these may have
// been committed (7 of 21 release races were, while the client was told UNAVAILABLE).
const connectionCodes = new Set([
  Code.Unavailable,
  Code.Unknown,
  Code.Internal,
  Code.DeadlineExceeded,
  Code.Canceled,
]);

/** Whether a failed release/rollback may still have happened: the connection failed, the server did not refuse. */
export function isOutcomeUnknown(error: unknown): boolean {
  return connectionCodes.has(ConnectError.from(error).code);
}

/** "v12", or "v12 90% + v14 10%" for a canary. */
export function releaseTargetsLabel(release: Release): string {
  const split = release.targets.length > 1;
  return release.targets.map((t) => `v${t.seq}${split ? ` ${t.weight}%` : ""}`).join(" + ");
}
