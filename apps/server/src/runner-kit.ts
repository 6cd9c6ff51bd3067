// The light part of the server a remote runner (the CLI, `berth runner agent`) needs: the builder and job
// reporting, without the store, services and their dependencies (importing "@berth/server" loads them all).
export { createArchiveBuilder } from "./builders/archive-builder.js";
export type { Builder, BuildOutput, BuiltArtifact } from "./builders/builder.js";
export { createJobReporter, type JobReporter } from "./jobs/job-events.js";
export { AsyncQueue } from "./runners/async-queue.js";
