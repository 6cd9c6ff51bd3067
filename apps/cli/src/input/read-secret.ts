// A secret typed or piped into the CLI, so it never has to sit in argv (visible to every user in `ps`).

/** Reads all of piped stdin and trims it: `berth login < token-file`, `pass show berth | berth login`. */
async function readPiped(input: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8").trim();
}

/** Prompts on stderr and reads one line from a terminal without echoing it; Ctrl-C or Ctrl-D aborts. */
function readHidden(prompt: string, input: NodeJS.ReadStream, out: NodeJS.WriteStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      out.write("\n");
      if (error) reject(error);
      else resolve(value.trim());
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003" || ch === "\u0004") return finish(new Error("cancelled"));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else if (ch >= " ") value += ch;
      }
    };
    // Echo off before the prompt shows: whatever is typed once it is visible must not appear.
    input.setRawMode(true);
    input.resume();
    input.on("data", onData);
    out.write(prompt);
  });
}

/**
 * A secret from the user: typed at a hidden prompt when stdin is a terminal, else everything piped in.
 * Resolves "" when nothing was given.
 */
export function readSecret(prompt: string, input = process.stdin, out = process.stderr): Promise<string> {
  return input.isTTY ? readHidden(prompt, input, out) : readPiped(input);
}
