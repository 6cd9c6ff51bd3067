/** The release dialog's step list ("10, 50, 100"): the steps, or what is wrong with them (the server checks too). */
export function parseStepList(text: string): { ok: true; steps: number[] } | { ok: false; problem: string } {
  const parts = text.split(",").map((p) => p.trim().replace(/%$/, ""));
  const steps: number[] = [];
  for (const [i, part] of parts.entries()) {
    const n = Number(part);
    if (part === "" || !Number.isInteger(n) || n < 1 || n > 100)
      return { ok: false, problem: `Step ${i + 1} ("${part}") is not a whole percentage from 1 to 100.` };
    const prev = steps[i - 1];
    if (prev !== undefined && n <= prev)
      return { ok: false, problem: `Step ${i + 1} (${n}) must be above ${prev}.` };
    steps.push(n);
  }
  return { ok: true, steps };
}
