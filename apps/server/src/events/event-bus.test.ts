import { describe, expect, it } from "vitest";
import { type BusEvent, createEventBus, EventsMissedError } from "./event-bus.js";

const event = (n: number): BusEvent => ({
  project: "shop",
  app: "web",
  event: { case: "heartbeat", value: n % 2 === 0 },
});

describe("event bus", () => {
  it("delivers events in order to a subscriber that keeps up", async () => {
    const bus = createEventBus();
    const abort = new AbortController();
    const it = bus.subscribe({}, abort.signal)[Symbol.asyncIterator]();
    const first = it.next();
    bus.publish(event(1));
    bus.publish(event(2));
    expect((await first).value).toEqual(event(1));
    expect((await it.next()).value).toEqual(event(2));
    abort.abort();
    expect((await it.next()).done).toBe(true);
  });

  it("tells a subscriber that fell more than 1,000 events behind that it missed events, instead of dropping silently", async () => {
    const bus = createEventBus();
    const abort = new AbortController();
    const it = bus.subscribe({}, abort.signal)[Symbol.asyncIterator]();
    const first = it.next();
    bus.publish(event(0));
    expect((await first).value).toEqual(event(0));
    for (let n = 1; n <= 1001; n++) bus.publish(event(n));
    await expect(it.next()).rejects.toBeInstanceOf(EventsMissedError);
    abort.abort();
  });
});
