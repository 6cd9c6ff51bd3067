import type { Job, JobEvent } from "@berth/proto";
import { OutputStream, StepStatus } from "@berth/proto";

/** One step of a job's output as the page shows it. */
export interface JobStepView {
  step: string;
  title: string;
  status: "running" | "success" | "error" | "skipped";
  durationMs?: number;
  detail?: string;
  lines: Array<{ seq: bigint; text: string; stderr: boolean }>;
}

export interface JobOutputModel {
  job?: Job;
  steps: JobStepView[];
  lastSeq: bigint;
}

const maxLinesPerStep = 20_000;

/** Folds job events into steps with their lines. Pure; events already applied (by seq) are ignored. */
export function applyJobEvents(
  model: JobOutputModel,
  events: readonly JobEvent[],
  job?: Job,
): JobOutputModel {
  let steps = model.steps;
  let lastSeq = model.lastSeq;
  const ensure = (step: string, title = step) => {
    let index = steps.findIndex((s) => s.step === step);
    if (index < 0) {
      steps = [...steps, { step, title, status: "running", lines: [] }];
      index = steps.length - 1;
    }
    return index;
  };
  const replace = (index: number, next: JobStepView) => {
    steps = steps.map((s, i) => (i === index ? next : s));
  };
  for (const ev of events) {
    if (ev.seq <= lastSeq && lastSeq > 0n) continue;
    lastSeq = ev.seq;
    const e = ev.event;
    if (e.case === "stepStarted") {
      const i = ensure(e.value.step, e.value.title || e.value.step);
      replace(i, { ...steps[i]!, title: e.value.title || steps[i]!.title, status: "running" });
    } else if (e.case === "stepFinished") {
      const i = ensure(e.value.step);
      const status =
        e.value.status === StepStatus.ERROR
          ? "error"
          : e.value.status === StepStatus.SKIPPED
            ? "skipped"
            : "success";
      replace(i, { ...steps[i]!, status, durationMs: e.value.durationMs, detail: e.value.detail });
    } else if (e.case === "line") {
      const i = ensure(e.value.step || "output");
      const s = steps[i]!;
      const lines = [
        ...s.lines,
        { seq: ev.seq, text: e.value.text, stderr: e.value.stream === OutputStream.STDERR },
      ];
      replace(i, { ...s, lines: lines.length > maxLinesPerStep ? lines.slice(-maxLinesPerStep) : lines });
    }
  }
  return { job: job ?? model.job, steps, lastSeq };
}
