import { setTimeout as delay } from "node:timers/promises";
import { createPushQueue } from "@berth/streams";
import type Docker from "dockerode";
import type { NativeExec, NativeExecRequest } from "../platform.js";
import { createFrameDecoder } from "./docker-frames.js";

type Output = { stream: "stdout" | "stderr"; data: Uint8Array };

export interface DockerExecOptions {
  /** The engine runs on this host (a unix socket): its process ids are ours to signal (see kill). */
  sameHost: boolean;
  /** How long a hung-up command gets before SIGKILL. */
  killGraceMs?: number;
}

/**
 * Runs a command in a container through the Engine API (`POST /containers/:id/exec`, then a hijacked
 * `/exec/:id/start`): with a TTY, raw output and resize; without, stdout and stderr demultiplexed. The exit code
 * comes from inspecting the exec once its stream ended.
 */
export async function dockerNativeExec(
  docker: Docker,
  containerId: string,
  request: NativeExecRequest,
  signal: AbortSignal,
  options: DockerExecOptions,
): Promise<NativeExec> {
  const { tty } = request;
  const exec = await docker.getContainer(containerId).exec({
    Cmd: request.args,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: tty,
    ...(tty && request.rows > 0 && request.cols > 0 && { ConsoleSize: [request.rows, request.cols] }),
    abortSignal: signal,
  });
  const socket = await exec.start({ hijack: true, stdin: true, Tty: tty, abortSignal: signal });
  const output = createPushQueue<Output>();
  const decoder = createFrameDecoder();
  socket.on("data", (chunk: Buffer) => {
    if (tty) return output.push({ stream: "stdout", data: chunk });
    try {
      for (const f of decoder.push(chunk))
        if (f.stream !== "stdin") output.push({ stream: f.stream, data: f.data });
    } catch {
      socket.destroy();
    }
  });
  // An error (the engine went away) ends the session like a close; it must never go unhandled.
  socket.on("error", () => socket.destroy());
  const ended = new Promise<void>((resolve) => socket.once("close", resolve));
  const send = (data: Uint8Array | string) => {
    if (socket.writable) socket.write(data);
  };
  void ended.then(() => output.end());

  /** The exec's exit code; the process may outlive its stream a moment (or a hang-up, see kill). */
  const exit = ended
    .then(async () => {
      for (let i = 0; i < 100; i++) {
        const info = await exec.inspect();
        if (!info.Running) return { code: info.ExitCode ?? -1 };
        await delay(50);
      }
      return { code: -1 };
    })
    .catch(() => ({ code: -1 }));

  let killed = false;
  function kill(): void {
    if (killed) return;
    killed = true;
    socket.destroy();
    // The Engine API cannot end an exec'd process. Closing its connection ends one without a TTY (stdin ends),
    // not a shell on a TTY: on an engine of this host, hang it up as a terminal would, then SIGKILL.
    if (!options.sameHost) return;
    void (async () => {
      const pid = await runningPid(exec);
      if (pid <= 0) return;
      signalPid(pid, "SIGHUP");
      await delay(options.killGraceMs ?? 2000, undefined, { ref: false });
      if ((await exec.inspect()).Running) signalPid(pid, "SIGKILL");
    })().catch(() => {});
  }
  if (signal.aborted) kill();
  else signal.addEventListener("abort", kill, { once: true });
  void exit.finally(() => signal.removeEventListener("abort", kill));

  return {
    output,
    exit,
    kill,
    write: send,
    // A TTY has no half-close: ^D at the start of a line is its end of input.
    closeInput: () => (tty ? send("\x04") : void socket.end()),
    resize: (cols, rows) => {
      if (tty && cols > 0 && rows > 0) exec.resize({ h: rows, w: cols }).catch(() => {});
    },
  };
}

/** The exec's process id once it runs (a client may leave before the engine started it); 0 once it has ended. */
async function runningPid(exec: Docker.Exec): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const info = await exec.inspect();
    if (info.Running && info.Pid > 0) return info.Pid;
    if (info.ExitCode !== null) return 0;
    await delay(50, undefined, { ref: false });
  }
  return 0;
}

function signalPid(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already, or not ours to signal (the engine runs as another user).
  }
}
