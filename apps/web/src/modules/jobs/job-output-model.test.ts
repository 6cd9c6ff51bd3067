import { JobEventSchema, OutputStream, StepStatus } from "@berth/proto";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { applyJobEvents } from "./job-output-model.js";

const ev = (seq: number, event: MessageInitShape<typeof JobEventSchema>["event"]) =>
  create(JobEventSchema, { seq: BigInt(seq), event });

describe("job output model", () => {
  it("folds steps, lines and results in order, ignoring replayed events", () => {
    const events = [
      ev(1, { case: "stepStarted", value: { step: "build", title: "Build web" } }),
      ev(2, {
        case: "line",
        value: { step: "build", stream: OutputStream.STDOUT, text: "\u001b[32mok\u001b[0m" },
      }),
      ev(3, { case: "line", value: { step: "build", stream: OutputStream.STDERR, text: "warn" } }),
      ev(4, { case: "stepFinished", value: { step: "build", status: StepStatus.SUCCESS, durationMs: 1200 } }),
      ev(5, { case: "stepStarted", value: { step: "deploy", title: "Deploy" } }),
    ];
    const first = applyJobEvents({ steps: [], lastSeq: 0n }, events.slice(0, 3));
    // A resumed stream may resend what we already have.
    const model = applyJobEvents(first, events.slice(1));
    expect(model.lastSeq).toBe(5n);
    expect(model.steps.map((s) => [s.step, s.title, s.status, s.lines.length])).toEqual([
      ["build", "Build web", "success", 2],
      ["deploy", "Deploy", "running", 0],
    ]);
    expect(model.steps[0]!.lines[1]).toMatchObject({ text: "warn", stderr: true });
    expect(model.steps[0]!.durationMs).toBe(1200);
  });

  it("puts lines without a step under 'output' and marks failed steps", () => {
    const model = applyJobEvents({ steps: [], lastSeq: 0n }, [
      ev(1, { case: "line", value: { text: "hello" } }),
      ev(2, {
        case: "stepFinished",
        value: { step: "push", status: StepStatus.ERROR, detail: "registry full" },
      }),
    ]);
    expect(model.steps.map((s) => [s.step, s.status])).toEqual([
      ["output", "running"],
      ["push", "error"],
    ]);
    expect(model.steps[1]!.detail).toBe("registry full");
  });
});
