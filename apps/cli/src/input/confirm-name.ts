// The confirmation a destructive command asks for: the name of what goes, typed (or piped) back.
import { createInterface } from "node:readline";

/**
 * Asks on stderr for `name` to be typed and resolves once the first line of stdin matches it. Throws when it
 * does not, or when stdin ends without a line (a script must say --yes rather than pipe nothing).
 */
export async function confirmName(
  prompt: string,
  name: string,
  input: NodeJS.ReadableStream = process.stdin,
  out: NodeJS.WritableStream = process.stderr,
): Promise<void> {
  out.write(prompt);
  const lines = createInterface({ input, terminal: false });
  let answer: string | undefined;
  for await (const line of lines) {
    answer = line.trim();
    break;
  }
  lines.close();
  if (answer === undefined)
    throw new Error(`no confirmation was given; type ${JSON.stringify(name)} when asked, or pass --yes`);
  if (answer !== name)
    throw new Error(`not deleted: ${JSON.stringify(answer)} is not ${JSON.stringify(name)}`);
}
