import { LifecycleEventSchema, LiveIntervalSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { servedFor, timelineLayout } from "./timeline-bands.js";

const interval = (seq: number, from: number, to: number | undefined, rollback = false) =>
  create(LiveIntervalSchema, {
    deploymentId: `d${seq}`,
    deploymentSeq: seq,
    weight: 100,
    releaseId: `r${from}`,
    from: timestampFromMs(from),
    to: to === undefined ? undefined : timestampFromMs(to),
    rollback,
  });

describe("timelineLayout", () => {
  it("puts each deployment on its own row, newest first, an open band running to now, rollbacks marked", () => {
    const layout = timelineLayout(
      [interval(1, 0, 500), interval(2, 500, 750), interval(1, 750, undefined, true)],
      [
        create(LifecycleEventSchema, {
          id: "e",
          kind: "rollback",
          reason: "slow",
          time: timestampFromMs(750),
        }),
      ],
      0,
      1000,
    );
    expect(
      layout.rows.map((r) => [r.deploymentSeq, r.bands.map((b) => [b.left, b.width, b.live, b.rollback])]),
    ).toEqual([
      [2, [[50, 25, false, false]]],
      [
        1,
        [
          [0, 50, false, false],
          [75, 25, true, true],
        ],
      ],
    ]);
    expect(layout.marks).toEqual([
      { key: "e", kind: "rollback", atMs: 750, left: 75, label: "rollback: slow" },
    ]);
  });

  it("clips intervals to the window and keeps a sliver visible", () => {
    const layout = timelineLayout([interval(3, -100, 1)], [], 0, 1000);
    expect(layout.rows[0]?.bands[0]).toMatchObject({ left: 0, width: 0.5 });
  });
});

describe("servedFor", () => {
  it("reads like a person would say it", () => {
    expect(servedFor(42_000)).toBe("42 s");
    expect(servedFor(2 * 3_600_000 + 5 * 60_000)).toBe("2 h 5 min");
    expect(servedFor(3 * 86_400_000 + 4 * 3_600_000)).toBe("3 d 4 h");
  });
});
