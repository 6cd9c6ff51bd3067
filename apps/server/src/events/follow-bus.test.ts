import { describe, expect, it } from "vitest";
import { type BusEvent, createEventBus } from "./event-bus.js";
import { followBus } from "./follow-bus.js";

const event = (app: string): BusEvent => ({
  project: "shop",
  app,
  event: { case: "heartbeat", value: false },
});

describe("followBus", () => {
  it("resyncs a follower that fell behind, then keeps following", async () => {
    const bus = createEventBus();
    const abort = new AbortController();
    const seen: string[] = [];
    let resynced: () => void = () => {};
    const resync = new Promise<void>((resolve) => {
      resynced = resolve;
    });
    let delivered: () => void = () => {};
    const after = new Promise<void>((resolve) => {
      delivered = resolve;
    });
    const following = followBus(bus, {}, abort.signal, {
      event(e) {
        seen.push(e.app);
        if (e.app === "after") delivered();
      },
      resync: () => resynced(),
    });
    for (let n = 0; n < 1100; n++) bus.publish(event("burst"));
    await resync;
    bus.publish(event("after"));
    await after;
    expect(seen.at(-1)).toBe("after");
    abort.abort();
    await following;
  });
});
