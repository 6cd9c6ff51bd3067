import { ReleaseSchema, ReleaseTargetSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import type { Platform } from "../platforms/platform.js";
import { createPlatformReleaser } from "./platform-releaser.js";

const release = (...targets: [string, number][]) =>
  create(ReleaseSchema, {
    targets: targets.map(([deploymentId, weight]) => create(ReleaseTargetSchema, { deploymentId, weight })),
  });

describe("createPlatformReleaser", () => {
  it("hands each release's largest target to the platform, one after another, and reports failures", async () => {
    const calls: string[] = [];
    const pending: (() => void)[] = [];
    const platform = {
      async released(id: string) {
        calls.push(`start ${id}`);
        if (id === "broken") throw new Error("the API refused");
        await new Promise<void>((resolve) => pending.push(resolve));
        calls.push(`end ${id}`);
      },
    } as Partial<Platform> as Platform;
    const errors: string[] = [];
    const follow = createPlatformReleaser(platform, (err, id) =>
      errors.push(`${id}: ${(err as Error).message}`),
    );
    follow(release(["v1", 100]));
    follow(release(["v1", 90], ["v2", 10])); // a canary: the Service stays on the primary
    follow(release(["broken", 100]));
    follow(release());
    // The second waits for the first, however long it takes.
    await until(() => pending.length === 1);
    expect(calls).toEqual(["start v1"]);
    pending.shift()!();
    await until(() => pending.length === 1);
    expect(calls).toEqual(["start v1", "end v1", "start v1"]);
    pending.shift()!();
    await until(() => errors.length === 1);
    expect(calls).toEqual(["start v1", "end v1", "start v1", "end v1", "start broken"]);
    expect(errors).toEqual(["broken: the API refused"]);
  });

  it("does nothing for a platform without a releaser", () => {
    const follow = createPlatformReleaser({} as Platform, () => {
      throw new Error("no call expected");
    });
    expect(() => follow(release(["v1", 100]))).not.toThrow();
  });
});

/** Lets queued promise callbacks run until `done` holds (no timers: microtasks and immediates only). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setImmediate(r));
  expect(done()).toBe(true);
}
