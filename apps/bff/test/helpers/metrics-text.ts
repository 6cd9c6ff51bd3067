import { testMetricsToken } from "./test-stack.js";

/** Sums a metric's samples (all label sets) in the BFF's /metrics text, scraped as the operator. */
export async function metricValue(bffUrl: string, name: string): Promise<number> {
  const res = await fetch(new URL("/metrics", bffUrl), {
    headers: { authorization: `Bearer ${testMetricsToken}` },
  });
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const text = await res.text();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

/** Polls until `check` holds or the deadline passes (for effects that have no event to await). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}
