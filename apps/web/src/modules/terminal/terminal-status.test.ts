import type { ExecSocketEvent } from "@berth/api-client";
import { describe, expect, it } from "vitest";
import { createStatusTracker, type TerminalStatus } from "./terminal-status.js";

/** The banner after each event (what it last changed to). */
function banners(events: ExecSocketEvent[]): TerminalStatus[] {
  const track = createStatusTracker();
  const shown: TerminalStatus[] = [];
  for (const ev of events) {
    const next = track(ev);
    if (next) shown.push(next);
  }
  return shown;
}

describe("terminal status", () => {
  it("stays Connected through a note, and names the error that ended a running session", () => {
    expect(
      banners([
        { type: "open" },
        { type: "started", instanceId: "i1" },
        { type: "output", data: new Uint8Array([104]) },
        { type: "error", message: "ignored a control frame: unknown type" },
        { type: "error", message: "lost the connection to the instance's entrypoint" },
        { type: "closed", code: 4404, reason: "instance gone" },
      ]),
    ).toEqual([
      { state: "running", instanceId: "i1" },
      { state: "closed", reason: "lost the connection to the instance's entrypoint" },
    ]);
  });

  it("keeps the server's answer when a session never started", () => {
    const message = "no instance of deployment v2 of examples/hello-node has its entrypoint connected";
    expect(
      banners([
        { type: "error", message },
        { type: "closed", code: 4404, reason: "instance gone" },
      ]),
    ).toEqual([
      { state: "error", message },
      { state: "closed", reason: message },
    ]);
  });

  it("says exited with the code and ignores the close after it; signed out keeps its own words", () => {
    expect(
      banners([
        { type: "started" },
        { type: "exit", code: 3 },
        { type: "closed", code: 4003, reason: "exited with 3" },
      ]),
    ).toEqual([{ state: "running" }, { state: "exited", code: 3 }]);
    expect(
      banners([
        { type: "error", message: "session expired" },
        { type: "closed", code: 4401, reason: "" },
      ]),
    ).toEqual([
      { state: "error", message: "session expired" },
      { state: "closed", reason: "you are signed out; sign in again" },
    ]);
  });
});
