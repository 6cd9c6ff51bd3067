/** A log line as the server keeps it. `seq` is dense per instance (1, 2, 3...), assigned on arrival. */
export interface StoredLine {
  instanceId: string;
  seq: number;
  timeMs: number;
  /** 1 = stdout, 2 = stderr (berth.v1.OutputStream). */
  stream: number;
  data: Uint8Array;
  /** Lines the entrypoint dropped just before this one (its buffer overflowed); they never reached the server. */
  droppedBefore?: number;
}

/** Memory accounted per line beyond its bytes (object, strings, array slot). */
export const lineOverheadBytes = 80;

/** Orders lines by time, then instance, then seq: the merge order of a deployment's logs. */
export function compareLines(a: StoredLine, b: StoredLine): number {
  return (
    a.timeMs - b.timeMs ||
    (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0) ||
    a.seq - b.seq
  );
}
