import { InvalidArgumentError } from "commander";
import { parseDuration } from "../config/parse-duration.js";

/** `--steps 10,50,100`: the canary's share at each step, whole percentages going up. */
export function parseSteps(value: string): number[] {
  const steps = value.split(",").map((s) => s.trim().replace(/%$/, ""));
  const numbers = steps.map(Number);
  for (const [i, n] of numbers.entries()) {
    if (!Number.isInteger(n) || n < 1 || n > 100)
      throw new InvalidArgumentError(`step ${i + 1} ("${steps[i]}") is not a whole percentage 1-100`);
    const prev = numbers[i - 1];
    if (prev !== undefined && n <= prev)
      throw new InvalidArgumentError(`step ${i + 1} (${n}) does not go up from ${prev}; e.g. 10,50,100`);
  }
  return numbers;
}

/** `--interval 5m` (seconds between automatic steps) or `manual` (0: steps only on `berth rollout advance`). */
export function parseStepInterval(value: string): number {
  if (value === "manual") return 0;
  const ms = parseDuration(value);
  if (ms === undefined || ms < 1000)
    throw new InvalidArgumentError(
      `"${value}" is not a duration of 1s or more (e.g. 30s, 5m, 1h) or "manual"`,
    );
  return Math.round(ms / 1000);
}

/** `--abort-when-unhealthy 30s`: seconds without a healthy canary instance before an automatic abort. */
export function parseSeconds(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 1000)
    throw new InvalidArgumentError(`"${value}" is not a duration of 1s or more`);
  return Math.round(ms / 1000);
}
