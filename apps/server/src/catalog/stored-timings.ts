// The timings_json column of builds and deployments: its shape and its one parser (the lifecycle appends to it,
// the catalog maps it to PhaseTimings).

/** A phase timing as stored in timings_json. */
export interface StoredTiming {
  phase: string;
  startedAt: number;
  durationMs: number;
}

/** Parses a timings_json column; a malformed one yields none. */
export function parseTimings(json: string): StoredTiming[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as StoredTiming[]) : [];
  } catch {
    return [];
  }
}
