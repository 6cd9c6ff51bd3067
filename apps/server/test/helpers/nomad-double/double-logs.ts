// GET /v1/client/fs/logs/:alloc of the Nomad double: a task's stdout or stderr file, from `origin`+`offset`,
// plain or in Nomad's framed JSON ({File, Offset, Data base64}), followed while the allocation runs.
import { open, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DoubleAlloc } from "./double-alloc.js";

export async function serveLogs(
  alloc: DoubleAlloc,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const task = query.get("task");
  if (!task) throw Object.assign(new Error("must include task name"), { status: 400 });
  if (task !== alloc.task.Name)
    throw Object.assign(new Error(`unknown task name "${task}"`), { status: 400 });
  const type = query.get("type");
  if (type !== "stdout" && type !== "stderr")
    throw Object.assign(new Error("must specify a valid log type (stdout or stderr)"), { status: 400 });
  const origin = query.get("origin") ?? "start";
  if (origin !== "start" && origin !== "end")
    throw Object.assign(new Error('origin must be "start" or "end"'), { status: 400 });
  const offset = Number(query.get("offset") ?? 0);
  if (!Number.isInteger(offset) || offset < 0)
    throw Object.assign(new Error("offset must be a positive integer"), { status: 400 });
  const follow = query.get("follow") === "true";
  const plain = query.get("plain") === "true";
  const file = alloc.logFile(type);
  const size = (await stat(file).catch(() => ({ size: 0 }))).size;
  let pos = origin === "end" ? Math.max(0, size - offset) : Math.min(offset, size);
  let gone = false;
  req.on("close", () => {
    gone = true;
  });
  res.writeHead(200, { "Content-Type": plain ? "text/plain" : "application/json" });
  const fh = await open(file, "r");
  try {
    for (;;) {
      const end = (await fh.stat()).size;
      if (end > pos) {
        const buf = Buffer.alloc(end - pos);
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        pos += bytesRead;
        const data = buf.subarray(0, bytesRead);
        res.write(
          plain
            ? data
            : JSON.stringify({
                File: `alloc/logs/${task}.${type}.0`,
                Offset: pos,
                Data: data.toString("base64"),
              }),
        );
        continue;
      }
      if (!follow || gone || alloc.terminal) break;
      await new Promise((r) => setTimeout(r, 50)); // the double's file tail; Nomad uses inotify
    }
  } finally {
    await fh.close();
  }
  res.end();
}
