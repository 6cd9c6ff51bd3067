import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { createEventBus } from "./event-bus.js";
import { watchEvents } from "./watch-events.js";

describe("watchEvents", () => {
  it("starts with a heartbeat, delivers matching events, beats when quiet and ends on abort", async () => {
    const bus = createEventBus();
    const abort = new AbortController();
    const stream = watchEvents(bus, { project: "shop" }, abort.signal, { heartbeatMs: 30 });
    const it = stream[Symbol.asyncIterator]();

    expect((await it.next()).value?.event.case).toBe("heartbeat");
    const next = it.next();
    bus.publish({ project: "other", app: "", event: { case: "heartbeat", value: false } });
    bus.publish({ project: "shop", app: "web", event: { case: "heartbeat", value: false } });
    const delivered = await next;
    expect(delivered.value?.event).toEqual({ case: "heartbeat", value: false });

    // Nothing published: the next message is a timed heartbeat.
    const quiet = await it.next();
    expect(quiet.value?.event).toEqual({ case: "heartbeat", value: true });

    const ending = it.next();
    abort.abort();
    expect((await ending).done).toBe(true);
  });

  it("ends a reader that fell behind with Aborted, telling it to refetch", async () => {
    const bus = createEventBus();
    const abort = new AbortController();
    const it = watchEvents(bus, {}, abort.signal, { heartbeatMs: 60_000 })[Symbol.asyncIterator]();
    expect((await it.next()).value?.event.case).toBe("heartbeat");
    for (let n = 0; n < 1100; n++)
      bus.publish({ project: "shop", app: "web", event: { case: "heartbeat", value: false } });
    let err: unknown;
    for (let read = 0; read < 3 && !err; read++)
      err = await it.next().then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ConnectError);
    expect(err).toMatchObject({
      code: Code.Aborted,
      rawMessage: "this event stream fell behind and missed events; refetch, then watch again",
    });
    abort.abort();
  });
});
