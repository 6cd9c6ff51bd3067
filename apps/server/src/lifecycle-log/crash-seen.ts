// Whether an instance crashed since it was last looked at. The platform may restart a crashed instance before
// anyone looks, so a crash shows either as the "crashed" state or as a higher restart count; each is one crash.

export interface InstanceSeen {
  state: string;
  restarts: number;
  /** A crash was logged from the "crashed" state and its restart has not been seen yet. */
  logged: boolean;
}

/** The next record of an instance, and whether this observation reveals a new crash. */
export function crashSeen(
  before: InstanceSeen | undefined,
  now: { state: string; restarts: number },
): { seen: InstanceSeen; crashed: boolean } {
  const prev = before ?? { state: now.state, restarts: now.restarts, logged: false };
  const crashedNow = now.state === "crashed" && prev.state !== "crashed";
  const restarted = now.restarts > prev.restarts;
  // A restart after a crash already logged is that same crash.
  const crashed = crashedNow || (restarted && !prev.logged);
  return {
    seen: { state: now.state, restarts: now.restarts, logged: crashedNow || (prev.logged && !restarted) },
    crashed,
  };
}
