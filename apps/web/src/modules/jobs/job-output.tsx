import { AnsiText } from "@berth/ui/ansi-text";
import { Badge } from "@berth/ui/badge";
import { formatDuration } from "@berth/ui/relative-time";
import { ErrorState, LoadingState } from "@berth/ui/states";
import type { JobStepView } from "./job-output-model.js";
import { useJobStream } from "./use-job-stream.js";

const stepTone = { running: "blue", success: "green", error: "red", skipped: "zinc" } as const;

/** A job's output, step by step, with ANSI colours rendered as text (never HTML). Streams while it runs. */
export function JobOutput({ jobId }: { jobId: string }) {
  const { model, error, finished } = useJobStream(jobId);
  return (
    <section aria-label="Job output" className="rounded-lg border border-zinc-200 dark:border-zinc-800">
      {error ? <ErrorState error={error} title="The job output stream failed" /> : null}
      {model.steps.length === 0 && !error ? (
        finished ? (
          <p className="p-3 text-sm text-zinc-500 dark:text-zinc-400">This job wrote no output.</p>
        ) : (
          <LoadingState label="Waiting for output…" />
        )
      ) : null}
      {model.steps.map((step) => (
        <Step key={step.step} step={step} />
      ))}
    </section>
  );
}

function Step({ step }: { step: JobStepView }) {
  return (
    <details
      open={step.status !== "success" || step.lines.length < 200}
      className="border-b border-zinc-200 last:border-0 dark:border-zinc-800"
    >
      <summary className="flex cursor-pointer items-center gap-2 px-3 py-2 text-sm">
        <Badge tone={stepTone[step.status]}>{step.status}</Badge>
        <span className="font-medium">{step.title}</span>
        {step.detail ? (
          <span className="truncate text-zinc-500 dark:text-zinc-400">{step.detail}</span>
        ) : null}
        {step.durationMs !== undefined ? (
          <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400">
            {formatDuration(step.durationMs)}
          </span>
        ) : null}
      </summary>
      {step.lines.length > 0 ? (
        <pre className="max-h-[28rem] overflow-auto bg-zinc-950 px-3 py-2 font-mono text-xs leading-5 text-zinc-100">
          {step.lines.map((l) => (
            <div key={String(l.seq)} className={l.stderr ? "text-red-300" : undefined}>
              <AnsiText text={l.text} />
            </div>
          ))}
        </pre>
      ) : null}
    </details>
  );
}
