import { stripVTControlCharacters } from "node:util";
import { RolloutSchema, RolloutState } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { rolloutLines } from "./rollout-lines.js";

describe("rolloutLines", () => {
  it("shows both sides with their live numbers and when the next step comes", () => {
    const r = create(RolloutSchema, {
      app: { project: "shop", app: "web" },
      state: RolloutState.RUNNING,
      steps: [10, 50, 100],
      step: 1,
      nextStepAt: timestampFromMs(61_000),
      baseline: {
        seq: 3,
        weight: 50,
        git: { sha: "a".repeat(40) },
        metrics: { requests: 200n, errors5xx: 0n, p50Ms: 1.2, p95Ms: 4 },
      },
      canary: { seq: 4, weight: 50, metrics: { requests: 200n, errors5xx: 10n, p50Ms: 1.4, p95Ms: 6.7 } },
    });
    const text = stripVTControlCharacters(rolloutLines(r, 1000).join("\n"));
    expect(text).toBe(
      [
        "Rollout of shop/web v4: running  10% → [50%] → 100%",
        "  baseline  v3 aaaaaaa   50%  200 req  0.0% 5xx  p50 1.2 ms  p95 4.0 ms",
        "  canary    v4   50%  200 req  5.0% 5xx  p50 1.4 ms  p95 6.7 ms",
        "  Next step in 60 s (berth rollout advance | complete | abort)",
      ].join("\n"),
    );
  });
});
