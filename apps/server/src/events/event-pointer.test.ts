import { ConfigRevisionSchema, InstanceSchema, ReleaseSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { maxPointerBytes, parsePointer, pointerOf } from "./event-pointer.js";

describe("event pointers", () => {
  it("carry the row's id, never its content, and parse back to themselves", () => {
    const release = create(ReleaseSchema, {
      id: "01REL",
      project: "shop",
      app: "web",
      reason: "x".repeat(20_000),
    });
    const pointer = pointerOf("replica-a", {
      project: "shop",
      app: "web",
      event: { case: "release", value: release },
    });
    expect(pointer).toEqual({ o: "replica-a", k: "release", id: "01REL", p: "shop", a: "web" });
    const payload = JSON.stringify(pointer);
    expect(payload.length).toBeLessThan(maxPointerBytes);
    expect(parsePointer(payload)).toEqual(pointer);
  });

  it("keep the live state only the publishing replica knows, and a config revision's number", () => {
    const instance = create(InstanceSchema, { id: "01INS", connected: true, port: 4000 });
    expect(
      pointerOf("r", { project: "shop", app: "web", event: { case: "instance", value: instance } }),
    ).toEqual({
      o: "r",
      k: "instance",
      id: "01INS",
      p: "shop",
      a: "web",
      c: true,
    });
    const config = create(ConfigRevisionSchema, { project: "shop", revision: 7 });
    expect(
      pointerOf("r", { project: "shop", app: "", event: { case: "config", value: config } }),
    ).toMatchObject({
      k: "config",
      n: 7,
    });
  });

  it("leave heartbeats local and refuse payloads that are not pointers", () => {
    expect(
      pointerOf("r", { project: "", app: "", event: { case: "heartbeat", value: true } }),
    ).toBeUndefined();
    expect(parsePointer("not json")).toBeUndefined();
    expect(parsePointer('{"o":"r","k":"log","id":"x","p":"","a":""}')).toBeUndefined();
    expect(parsePointer('{"o":"r","k":"release","id":1,"p":"","a":""}')).toBeUndefined();
    expect(parsePointer("null")).toBeUndefined();
  });
});
