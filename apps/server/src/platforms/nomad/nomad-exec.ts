import { createPushQueue } from "@berth/streams";
import WebSocket from "ws";
import type { NativeExec, NativeExecRequest } from "../platform.js";
import type { NomadClient } from "./nomad-client.js";

/** A frame Nomad's exec socket sends: output, or the command's end. */
interface ExecFrame {
  stdout?: { data?: string; close?: boolean };
  stderr?: { data?: string; close?: boolean };
  exited?: boolean;
  result?: { exit_code?: number };
}

/**
 * Runs a command in an allocation's task through Nomad's exec WebSocket (/v1/client/allocation/:id/exec):
 * JSON frames with base64 data both ways, `tty_size` to resize, `exited` with the exit code at the end.
 * Resolves once the socket is open (a refused upgrade rejects with Nomad's status).
 */
export async function nomadExec(
  client: NomadClient,
  allocId: string,
  task: string,
  request: NativeExecRequest,
  signal: AbortSignal,
): Promise<NativeExec> {
  const url = client.url(`/v1/client/allocation/${encodeURIComponent(allocId)}/exec`, {
    task,
    tty: request.tty,
    command: JSON.stringify(request.args),
  });
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(url, { headers: client.headers() });
  const output = createPushQueue<{ stream: "stdout" | "stderr"; data: Uint8Array }>();
  let settle: (r: { code: number }) => void = () => {};
  const exit = new Promise<{ code: number }>((resolve) => {
    settle = resolve;
  });
  const finish = (code: number) => {
    settle({ code });
    output.end();
  };
  const send = (frame: unknown) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  };

  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (req, res) => {
      reject(new Error(`Nomad refused exec into allocation ${allocId} (${res.statusCode})`));
      res.resume();
      req.destroy();
    });
    ws.once("error", (err) => reject(new Error(`exec into allocation ${allocId}: ${err.message}`)));
  });
  ws.on("error", () => finish(-1));
  ws.on("close", () => finish(-1)); // after `exited` this changes nothing (the first code wins)
  ws.on("message", (raw) => {
    let frame: ExecFrame;
    try {
      frame = JSON.parse(String(raw)) as ExecFrame;
    } catch {
      return;
    }
    for (const stream of ["stdout", "stderr"] as const) {
      const data = frame[stream]?.data;
      if (data) output.push({ stream, data: Buffer.from(data, "base64") });
    }
    if (frame.exited) {
      finish(frame.result?.exit_code ?? 0);
      ws.close();
    }
  });
  const kill = () => ws.terminate();
  signal.addEventListener("abort", kill, { once: true });
  void exit.then(() => signal.removeEventListener("abort", kill));
  if (request.tty) send({ tty_size: { width: request.cols, height: request.rows } });

  return {
    output,
    write: (data) => send({ stdin: { data: Buffer.from(data).toString("base64") } }),
    closeInput: () => send({ stdin: { close: true } }),
    resize: (cols, rows) => send({ tty_size: { width: cols, height: rows } }),
    exit,
    kill,
  };
}
