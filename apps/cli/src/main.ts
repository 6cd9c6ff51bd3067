// Entry point of the `berth` binary (bin/berth.js runs its esbuild bundle, apps/cli/dist/berth.js).
import { formatError } from "./output/format-error.js";
import { createProgram } from "./program.js";

// `berth status | head`: once the reader has gone, nobody is left to read more. Stop quietly, as Unix tools do
// (Node ignores SIGPIPE, so a write fails with EPIPE instead; unhandled, that is a stack trace).
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}

let code = 0;
try {
  await createProgram().parseAsync(process.argv);
  code = typeof process.exitCode === "number" ? process.exitCode : 0;
} catch (e) {
  process.stderr.write(`berth: ${formatError(e)}\n`);
  code = 1;
}
// Exit explicitly once output is flushed: idle HTTP/2 sessions must not keep a finished command alive.
process.stdout.write("", () => process.exit(code));
