export { type RunEntrypointOptions, type RunningEntrypoint, runEntrypoint } from "./run-entrypoint.js";
export { protocolVersion } from "./session-loop.js";
