/**
 * The config a deployment runs with, in words. Its own revision is the one current when it was deployed; its
 * instances may since run a later one (a config change restarts them): what they run wins.
 */
export function configRevisionText(deployedWith: number, instanceRevisions: readonly number[]): string {
  const running = [...new Set(instanceRevisions)].sort((a, b) => a - b);
  const name = (r: number) => (r > 0 ? `revision ${r}` : "no config vars (berth.hcl defaults only)");
  if (running.length === 0) return `${name(deployedWith)} when deployed`;
  if (running.length === 1) {
    const [only] = running as [number];
    return only === deployedWith
      ? name(only)
      : `${name(only)} (deployed with ${deployedWith > 0 ? `revision ${deployedWith}` : "none"})`;
  }
  return `instances run revisions ${running.join(", ")} (a change is rolling out)`;
}
