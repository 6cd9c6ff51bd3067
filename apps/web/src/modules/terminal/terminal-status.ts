import type { ExecSocketEvent } from "@berth/api-client";

/** What the terminal page's banner says about a session. */
export type TerminalStatus =
  | { state: "connecting" }
  | { state: "running"; instanceId?: string | undefined }
  | { state: "exited"; code: number; signal?: string | undefined }
  | { state: "closed"; reason: string }
  | { state: "error"; message: string };

const closeReasons: Record<number, string> = {
  4400: "the terminal request was not understood",
  4401: "you are signed out; sign in again",
  4403: "your role may not run commands",
  4404: "the instance is gone (not running, or it went away)",
  4408: "the connection went silent (keepalive timeout)",
  4500: "internal error in the BFF (see its log)",
  4502: "the Berth server is unreachable",
  1001: "the dashboard server is restarting",
  1006: "the connection dropped",
};

/** Words for a WebSocket close code from the BFF. */
export function closeReason(code: number, reason: string): string {
  return closeReasons[code] ?? (reason || `connection closed (${code})`);
}

/**
 * Follows one session's socket events and says when the banner changes (undefined: it stays). An error frame
 * before the start is the answer; once running it is a note or the cause of the close that follows, which then
 * names it, so the banner says "Connected" until the session really ends.
 */
export function createStatusTracker(): (event: ExecSocketEvent) => TerminalStatus | undefined {
  let started = false;
  let exited = false;
  let lastError = "";
  return (ev) => {
    switch (ev.type) {
      case "started":
        started = true;
        return { state: "running", instanceId: ev.instanceId };
      case "exit":
        exited = true;
        return { state: "exited", code: ev.code, signal: ev.signal };
      case "error":
        lastError = ev.message;
        return started ? undefined : { state: "error", message: ev.message };
      case "closed":
        if (exited) return undefined;
        // "Signed out" keeps its own words: the page offers a sign-in link for it.
        return {
          state: "closed",
          reason:
            ev.code === 4401 ? closeReason(ev.code, ev.reason) : lastError || closeReason(ev.code, ev.reason),
        };
      default:
        return undefined;
    }
  };
}
