import { type JobEvent, OutputStream, StepStatus } from "@berth/proto";
import { createSpinner } from "nanospinner";
import { colors } from "../output/colors.js";
import { sanitizeText } from "../output/sanitize-text.js";

/** Formats milliseconds for humans: 840ms, 1.2s, 1m05s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

export interface JobEventRenderer {
  render(event: JobEvent): void;
  stop(): void;
}

/**
 * Renders a job's events as live steps: a spinner per running step (on a TTY), a check or cross with
 * its duration when it ends, and output lines dimmed and indented underneath.
 */
export function createJobEventRenderer(
  out: NodeJS.WriteStream = process.stderr,
  showLines = true,
): JobEventRenderer {
  const tty = !!out.isTTY;
  let spinner: ReturnType<typeof createSpinner> | undefined;
  let title = "";
  return {
    render(ev) {
      const e = ev.event;
      if (e.case === "stepStarted") {
        title = sanitizeText(e.value.title, { keepNewlines: false });
        if (tty) spinner = createSpinner(title, { stream: out }).start();
        else out.write(`  … ${title}\n`);
      } else if (e.case === "stepFinished") {
        const text = `${title || e.value.step} ${colors.dim(formatDuration(e.value.durationMs))}${e.value.detail ? colors.dim(` · ${sanitizeText(e.value.detail)}`) : ""}`;
        const ok = e.value.status !== StepStatus.ERROR;
        if (spinner) {
          if (ok) spinner.success({ text });
          else spinner.error({ text });
          spinner = undefined;
        } else out.write(`  ${ok ? "✔" : "✖"} ${text}\n`);
        title = "";
      } else if (e.case === "line" && showLines) {
        // Build output keeps its colours but nothing else that would act on the terminal.
        const text = sanitizeText(e.value.text, { keepSgr: true });
        const line = `    ${e.value.stream === OutputStream.STDERR ? colors.yellow(text) : colors.dim(text)}\n`;
        if (spinner) spinner.clear();
        out.write(line);
        if (spinner) spinner.render();
      }
    },
    stop() {
      spinner?.stop();
      spinner = undefined;
    },
  };
}
