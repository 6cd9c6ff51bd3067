// Entry point of the `berth` binary (bin/berth.js loads it through tsx).
import { formatError } from "./output/format-error.js";
import { createProgram } from "./program.js";

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
