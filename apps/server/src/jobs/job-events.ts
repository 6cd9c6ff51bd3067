import {
  type JobEvent,
  JobEventSchema,
  type JobResult,
  type JobState,
  OutputStream,
  StepStatus,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";

/** A JobEvent without its seq (the queue numbers events as it stores them). */
export type JobEventBody = JobEvent["event"];

/** Makes a JobEvent stamped now. */
export function jobEvent(event: JobEventBody, seq = 0n): JobEvent {
  return create(JobEventSchema, { seq, time: timestampFromMs(Date.now()), event });
}

export function stateChanged(state: JobState, error = "", result?: JobResult): JobEventBody {
  return { case: "state", value: { $typeName: "berth.v1.JobEvent.StateChanged", state, error, result } };
}

/** Reports a job's progress as steps (with timings) and output lines. */
export interface JobReporter {
  step(step: string, title: string): void;
  stepDone(step: string, detail?: string, status?: StepStatus): void;
  line(step: string, stream: "stdout" | "stderr", text: string): void;
  /** Durations of finished steps, in order, for phase timings. */
  timings(): { phase: string; startedAt: number; durationMs: number }[];
}

/** A reporter that turns calls into JobEvents for `emit`. */
export function createJobReporter(emit: (event: JobEventBody) => void): JobReporter {
  const started = new Map<string, number>();
  const done: { phase: string; startedAt: number; durationMs: number }[] = [];
  return {
    step(step, title) {
      started.set(step, Date.now());
      emit({ case: "stepStarted", value: { $typeName: "berth.v1.JobEvent.StepStarted", step, title } });
    },
    stepDone(step, detail = "", status = StepStatus.SUCCESS) {
      const at = started.get(step) ?? Date.now();
      const durationMs = Date.now() - at;
      done.push({ phase: step, startedAt: at, durationMs });
      emit({
        case: "stepFinished",
        value: { $typeName: "berth.v1.JobEvent.StepFinished", step, status, durationMs, detail },
      });
    },
    line(step, stream, text) {
      emit({
        case: "line",
        value: {
          $typeName: "berth.v1.JobEvent.Line",
          step,
          stream: stream === "stderr" ? OutputStream.STDERR : OutputStream.STDOUT,
          text,
        },
      });
    },
    timings: () => [...done],
  };
}
