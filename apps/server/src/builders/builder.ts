/** Output of a build step, streamed to the job's event log. */
export interface BuildOutput {
  step(name: string, title: string): void;
  stepDone(name: string, detail?: string): void;
  line(stream: "stdout" | "stderr", text: string): void;
}

export interface BuildInput {
  /** The app's directory in the working tree. */
  sourceDir: string;
  /** Files to ship, relative to sourceDir (git-tracked + untracked-not-ignored); undefined: everything. */
  files: string[] | undefined;
  /** Lines about the inputs to show in the copy step (a missing commit, files left out by `exclude`). */
  notes?: string[];
  /** Builder options from berth.hcl (`build { use "archive" { ... } }`). */
  options: Record<string, unknown>;
  /** Extra environment for the build command. */
  env: Record<string, string>;
  /** Scratch space and caches of this runner. */
  workDir: string;
  cacheDir: string;
  output: BuildOutput;
  signal: AbortSignal;
}

/** A content-addressed artifact on the runner's disk. */
export interface BuiltArtifact {
  /** "sha256:<hex>" of the file. */
  digest: string;
  sizeBytes: number;
  path: string;
}

/** A build plugin: turns a working tree into an artifact. */
export interface Builder {
  name: string;
  build(input: BuildInput): Promise<BuiltArtifact>;
}
