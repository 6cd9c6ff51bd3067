// What a failed journey leaves behind for whoever reads CI's output: the stack's own stderr and the tail of
// every log in its data dir (server, BFF, each instance's entrypoint and app), which the stack deletes on close.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { TestInfo } from "@playwright/test";
import type { Stack } from "./stack.js";

const tailChars = 6_000;

function tail(text: string): string {
  return text.length > tailChars ? `…${text.slice(-tailChars)}` : text;
}

function logFiles(dataDir: string): string[] {
  try {
    return readdirSync(dataDir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".log"))
      .map((f) => join(dataDir, f));
  } catch {
    return [];
  }
}

/** Attaches the stack's logs to a failed test; the list reporter prints text attachments inline. */
export async function attachStackLogs(stack: Stack, testInfo: TestInfo): Promise<void> {
  await testInfo.attach("stack stderr", { body: tail(stack.log()), contentType: "text/plain" });
  // Instance logs are in the apps dir next to the data dir (`<data-dir>-apps`, the server's default).
  for (const file of [...logFiles(stack.dataDir), ...logFiles(`${stack.dataDir}-apps`)]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    await testInfo.attach(relative(stack.dataDir, file), { body: tail(text), contentType: "text/plain" });
  }
}
