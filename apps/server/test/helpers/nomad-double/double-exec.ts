// The exec WebSocket of the Nomad double (/v1/client/allocation/:id/exec): a REAL child process in the
// allocation's environment (under a pty from node-pty when tty=true, so tty_size really resizes it), spoken to in
// Nomad's frames: {stdin:{data|close}}, {tty_size:{width,height}} in; {stdout|stderr:{data}}, {exited, result} out.
import { spawn } from "node:child_process";
import { spawn as spawnPty } from "node-pty";
import type WebSocket from "ws";
import type { DoubleAlloc } from "./double-alloc.js";

interface InFrame {
  stdin?: { data?: string; close?: boolean };
  tty_size?: { width?: number; height?: number };
}

export function execSession(ws: WebSocket, alloc: DoubleAlloc, command: string[], tty: boolean): void {
  const send = (frame: unknown) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(frame));
  const out = (stream: "stdout" | "stderr") => (data: Buffer | string) =>
    send({ [stream]: { data: Buffer.from(data).toString("base64") } });
  const exited = (code: number) => {
    send({ exited: true, result: { exit_code: code } });
    ws.close();
  };
  const [file, ...args] = command as [string, ...string[]];
  let write: (data: Buffer) => void;
  let closeInput: () => void;
  let resize: (cols: number, rows: number) => void = () => {};
  let kill: () => void;
  if (tty) {
    const pty = spawnPty(file, args, { cwd: alloc.dir, env: alloc.env, cols: 80, rows: 24 });
    pty.onData(out("stdout"));
    pty.onExit(({ exitCode }) => exited(exitCode));
    write = (data) => pty.write(data.toString());
    closeInput = () => pty.write("\x04");
    resize = (cols, rows) => pty.resize(cols, rows);
    kill = () => pty.kill();
  } else {
    const child = spawn(file, args, { cwd: alloc.dir, env: alloc.env, stdio: "pipe" });
    child.stdout.on("data", out("stdout"));
    child.stderr.on("data", out("stderr"));
    child.on("error", () => exited(127));
    child.on("close", (code) => exited(code ?? 137));
    write = (data) => child.stdin.write(data);
    closeInput = () => child.stdin.end();
    kill = () => child.kill("SIGKILL");
  }
  ws.on("message", (raw) => {
    let frame: InFrame;
    try {
      frame = JSON.parse(String(raw)) as InFrame;
    } catch {
      ws.close(1003, "frames are JSON");
      return;
    }
    if (frame.stdin?.data) write(Buffer.from(frame.stdin.data, "base64"));
    if (frame.stdin?.close) closeInput();
    if (frame.tty_size?.width && frame.tty_size.height) resize(frame.tty_size.width, frame.tty_size.height);
  });
  ws.on("close", () => kill());
}
