import { type Rollout, type RolloutSide, RolloutState } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { colors } from "./colors.js";

/** The rollout's state as one lowercase word (also the `--json` convention for enums). */
export function rolloutStateWord(state: RolloutState): string {
  // The enum's own names (RUNNING, …): the same lower-case word `--json` prints (cliJson's enumWord).
  return (RolloutState[state] ?? "unknown").toLowerCase();
}

function sideLine(label: string, s: RolloutSide | undefined): string {
  const sha = s?.git?.sha ? ` ${s.git.sha.slice(0, 7)}` : "";
  const head = `  ${label.padEnd(9)} v${s?.seq ?? "?"}${sha}  ${String(s?.weight ?? 0).padStart(3)}%`;
  const m = s?.metrics;
  if (!m) return head;
  const requests = Number(m.requests);
  const errors = Number(m.errors5xx);
  const rate = requests > 0 ? ((100 * errors) / requests).toFixed(1) : "0.0";
  return `${head}  ${requests} req  ${rate}% 5xx  p50 ${m.p50Ms.toFixed(1)} ms  p95 ${m.p95Ms.toFixed(1)} ms`;
}

/** What `berth rollout status` prints: where it stands, both sides side by side, what comes next. */
export function rolloutLines(r: Rollout, now = Date.now()): string[] {
  const app = `${r.app?.project}/${r.app?.app}`;
  const steps = r.steps.map((w, i) => (i === r.step ? colors.bold(`[${w}%]`) : `${w}%`)).join(" → ");
  const lines = [`Rollout of ${colors.bold(app)} v${r.canary?.seq}: ${rolloutStateWord(r.state)}  ${steps}`];
  lines.push(sideLine("baseline", r.baseline), sideLine("canary", r.canary));
  if (r.state === RolloutState.RUNNING) {
    const next = r.nextStepAt ? Math.max(0, Math.round((timestampMs(r.nextStepAt) - now) / 1000)) : undefined;
    const watching = (r.steps[r.step] ?? 0) >= 100;
    lines.push(
      watching
        ? `  Watching v${r.canary?.seq} alone${next === undefined ? "" : ` for ${next} s more`}: it is rolled back by itself if it breaks the auto-abort rules`
        : next === undefined
          ? "  Next step: when you run berth rollout advance (or complete / abort)"
          : `  Next step in ${next} s (berth rollout advance | complete | abort)`,
    );
  }
  if (r.endReason) lines.push(`  Ended: ${r.endReason}`);
  return lines;
}
