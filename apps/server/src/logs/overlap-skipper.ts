/**
 * Skips the start of a followed stream that repeats the end of what was already read. A platform's log API
 * (Docker, Kubernetes) has no positions: the backfill is read first, then the follow opens with the same tail,
 * so it starts with a suffix of the backfill, then goes on with lines logged since. Lines are matched by key
 * (time, stream, text), in order; the first line that does not continue the backfill ends the skipping.
 */
export function createOverlapSkipper(previous: readonly string[]): (key: string) => boolean {
  let at = -1;
  let done = previous.length === 0;
  return (key) => {
    if (done) return false;
    if (at === -1) {
      // The follow's first line: where in the backfill its tail starts (keys carry the time, so a line is
      // practically never repeated; the first occurrence is the nearest to a follow opened right after).
      at = previous.indexOf(key);
      if (at === -1) done = true;
      return !done;
    }
    at++;
    if (at < previous.length && previous[at] === key) return true;
    done = true;
    return false;
  };
}
