// Terminal round trip: keystroke → echo, `cat` of a 50 MB file (bytes counted), and Ctrl-C → prompt while `yes`
// floods. Three terminals in one run, driven by the same client code: Berth (WebSocket → BFF → server → entrypoint
// → PTY), the limit (bare WebSocket ⇄ node-pty, pty-echo-server.ts) and the peer wetty (socket.io ⇄ node-pty).
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, closeSync, existsSync, openSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { signIn } from "./lib/bff-tab.js";
import { deployBenchApp } from "./lib/deploy-bench-app.js";
import { freePort } from "./lib/nginx-proxy.js";
import { repoRoot, startBenchStack } from "./lib/stack.js";
import { median, type Percentiles, percentiles, ratio, round, waitFor } from "./lib/stats.js";
import {
  connectBare,
  connectBerth,
  connectGrpc,
  connectWetty,
  type TermClient,
} from "./lib/terminal-clients.js";

const shellScript = "/tmp/berth-bench-shell.sh";
const bigFile = "/tmp/berth-bench-50mb.dat";
const PROMPT = "READY> ";

type TerminalName = "berth" | "berthGrpc" | "berthGrpcNoGzip" | "bare" | "wetty";

export interface TerminalFigures {
  keystrokeMs: Percentiles;
  cat: {
    bytes: number;
    expectedFillerBytes: number;
    fillerBytesSeen: number;
    lostBytes: number;
    seconds: number;
    mbPerSecond: number;
  };
  ctrlCToPromptMs: { median: number; samples: number[] };
}

export interface TerminalResult {
  method: string;
  terminals: Partial<Record<TerminalName, TerminalFigures>>;
  errors: Record<string, string>;
  ratios: {
    keystrokeP50BerthToBare: number;
    catBerthToBare: number;
    keystrokeP50BerthToWetty: number;
    catBerthToWetty: number;
  };
}

/** The shell all three terminals run, and the file `cat` reads (lines of 99 × "x" and a newline). */
function prepareFiles(bytes: number): void {
  writeFileSync(shellScript, `#!/bin/sh\nexport PS1='${PROMPT}'\nexec /bin/sh -i\n`);
  chmodSync(shellScript, 0o755);
  if (existsSync(bigFile) && statSync(bigFile).size === bytes) return;
  const line = Buffer.from(`${"x".repeat(99)}\n`);
  const block = Buffer.concat(Array.from({ length: 10_000 }, () => line));
  const fd = openSync(bigFile, "w");
  for (let written = 0; written < bytes; written += block.length)
    writeSync(fd, block, 0, Math.min(block.length, bytes - written));
  closeSync(fd);
}

/** Resolves when the output since the call contains `marker`; counts bytes and "x" bytes on the way. */
function until(t: TermClient, marker: string, timeoutMs: number) {
  let tail = "";
  let bytes = 0;
  let xs = 0;
  const done = new Promise<{ bytes: number; xs: number }>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`no ${JSON.stringify(marker)} within ${timeoutMs} ms; tail ${JSON.stringify(tail)}`),
        ),
      timeoutMs,
    );
    t.onData((chunk) => {
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x78) xs++;
      tail = (tail + chunk.toString("latin1")).slice(-256);
      if (tail.includes(marker)) {
        clearTimeout(timer);
        t.onData(() => {});
        resolve({ bytes, xs });
      }
    });
  });
  return done;
}

async function measure(
  t: TermClient,
  o: { keystrokes: number; catBytes: number; ctrlC: number },
): Promise<TerminalFigures> {
  // A fresh prompt first (the shell may still be starting).
  const prompt = until(t, PROMPT, 10_000);
  t.send("\r");
  await prompt;
  const keys: number[] = [];
  for (let i = 0; i < o.keystrokes; i++) {
    const key = String.fromCharCode(97 + (i % 23)); // a..w: never "x", the cat filler
    const echoed = until(t, key, 5000);
    const t0 = performance.now();
    t.send(key);
    await echoed;
    keys.push(performance.now() - t0);
  }
  const cleared = until(t, PROMPT, 10_000);
  t.send("\x15\r"); // Ctrl-U drops the typed line, Enter gives a new prompt
  await cleared;

  // No output post-processing during the cat (no \n → \r\n), so bytes on the wire equal bytes in the file.
  const catDone = until(t, "END-42", 180_000);
  const c0 = performance.now();
  t.send(`stty -opost; cat ${bigFile}; stty opost; echo END-$((6*7))\r`);
  const seen = await catDone;
  const seconds = (performance.now() - c0) / 1000;
  const expected = (o.catBytes / 100) * 99;
  await new Promise<void>((r) => setTimeout(r, 50));

  const ctrlC: number[] = [];
  for (let i = 0; i < o.ctrlC; i++) {
    const flooding = until(t, "y\r\ny\r\ny", 10_000);
    t.send("yes\r");
    await flooding;
    await new Promise<void>((r) => setTimeout(r, 300));
    const back = until(t, PROMPT, 30_000);
    const t0 = performance.now();
    t.send("\x03");
    await back;
    ctrlC.push(round(performance.now() - t0));
  }
  return {
    keystrokeMs: percentiles(keys),
    cat: {
      bytes: seen.bytes,
      expectedFillerBytes: expected,
      fillerBytesSeen: seen.xs,
      lostBytes: expected - seen.xs,
      seconds: round(seconds),
      mbPerSecond: round(o.catBytes / 1e6 / seconds, 1),
    },
    ctrlCToPromptMs: { median: round(median(ctrlC)), samples: ctrlC },
  };
}

/** Spawns a child and resolves once `ready()` says so (port listening or a JSON line). */
function child(cmd: string, args: string[]): ChildProcess {
  return spawn(cmd, args, { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env } });
}

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once("exit", () => r()));
  c.stdin?.end();
  c.kill("SIGTERM");
  const t = setTimeout(() => c.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(t);
}

/** Runs the terminal figures (`quick`: 200 keystrokes, a 10 MB file, 2 Ctrl-Cs). */
export async function benchTerminal(options: { quick: boolean }): Promise<TerminalResult> {
  const o = options.quick
    ? { keystrokes: 200, catBytes: 10_000_000, ctrlC: 2 }
    : { keystrokes: 1000, catBytes: 50_000_000, ctrlC: 5 };
  prepareFiles(o.catBytes);
  const terminals: TerminalResult["terminals"] = {};
  const errors: Record<string, string> = {};
  const record = async (name: TerminalName, connect: () => Promise<TermClient>) => {
    let t: TermClient | undefined;
    try {
      // A fresh deployment can refuse the first session while its instance settles (seen once as 4404): retry.
      for (let attempt = 1; !t; attempt++) {
        try {
          t = await connect();
        } catch (e) {
          if (attempt >= 3) throw e;
          await new Promise<void>((r) => setTimeout(r, 1000));
        }
      }
      terminals[name] = await measure(t, o);
    } catch (e) {
      errors[name] = e instanceof Error ? e.message : String(e);
    } finally {
      t?.close();
    }
  };

  // The limit.
  const bare = child(process.execPath, [
    "--import",
    "tsx",
    fileURLToPath(new URL("pty-echo-server.ts", import.meta.url)),
  ]);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: bare.stdout! }).once("line", (l) =>
        resolve((JSON.parse(l) as { port: number }).port),
      );
      bare.once("exit", (code) => reject(new Error(`pty-echo-server exited with ${code}`)));
    });
    await record("bare", () => connectBare(port, shellScript));
  } finally {
    await stopChild(bare);
  }

  // Berth.
  const stack = await startBenchStack();
  try {
    const d = await deployBenchApp(stack, 1);
    const tab = await signIn(stack.dashboardUrl, stack.token);
    const id = d.up.deploymentId ?? "";
    await record("berth", () => connectBerth(stack.dashboardUrl, tab.cookie, id, shellScript));
    // The same exec without the BFF hop, as `berth exec -t` runs it; and once more without gzip on the stream.
    await record("berthGrpc", () => connectGrpc(stack.apiUrl, stack.token, id, shellScript, true));
    await record("berthGrpcNoGzip", () => connectGrpc(stack.apiUrl, stack.token, id, shellScript, false));
  } finally {
    await stack.close();
  }

  // The peer: wetty from npm (runs `env <command>` in a node-pty as root on localhost, no ssh).
  const wettyBin = join(repoRoot, "node_modules/wetty/build/main.js");
  if (existsSync(wettyBin)) {
    const port = await freePort();
    const wetty = child(process.execPath, [
      wettyBin,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--base",
      "/wetty",
      "--command",
      shellScript,
      "--log-level",
      "error",
    ]);
    try {
      await waitFor(
        "wetty to listen",
        async () => (await fetch(`http://127.0.0.1:${port}/wetty/`).catch(() => undefined))?.ok,
        20_000,
        100,
      );
      await record("wetty", () => connectWetty(port));
    } catch (e) {
      errors.wetty = e instanceof Error ? e.message : String(e);
    } finally {
      await stopChild(wetty);
    }
  } else errors.wetty = "wetty is not installed (npm install wetty -w @berth/bench)";

  const b = terminals.berth;
  return {
    method:
      "One interactive /bin/sh (PS1 set, in a PTY, TERM=xterm-256color) per terminal, driven by the same Node client. " +
      `Keystrokes: ${o.keystrokes} single letters, each timed from send to its echo (canonical-mode PTY echo). ` +
      `cat: \`stty -opost; cat <${o.catBytes / 1e6} MB file>\` (lines of 99 "x" + newline), timed from the command to ` +
      "an end marker; every filler byte counted. Ctrl-C: `yes` floods for 300 ms, then ^C is sent, timed until the " +
      `prompt is back (the pipeline's buffered output drains first), ${o.ctrlC} times. berth = WebSocket to the BFF's ` +
      "/api/exec (session cookie) → gRPC exec stream to the server → entrypoint of an instance deployed with `berth up` " +
      "→ node-pty; berthGrpc = the same without the BFF (gRPC exec stream from the client to the server) accepting gzip, " +
      "berthGrpcNoGzip = that with response compression off (acceptCompression: []), as `berth exec -t` does; bare = bench/src/pty-echo-server.ts (WebSocket ⇄ node-pty, same machine, no hops); wetty = wetty " +
      "3.2.0 from npm (socket.io ⇄ node-pty, its output batched every 2 ms, flow-control acks sent like its client). " +
      "Every server runs in its own process.",
    terminals,
    errors,
    ratios: {
      keystrokeP50BerthToBare: ratio(b?.keystrokeMs.p50, terminals.bare?.keystrokeMs.p50),
      catBerthToBare: ratio(b?.cat.mbPerSecond, terminals.bare?.cat.mbPerSecond),
      keystrokeP50BerthToWetty: ratio(b?.keystrokeMs.p50, terminals.wetty?.keystrokeMs.p50),
      catBerthToWetty: ratio(b?.cat.mbPerSecond, terminals.wetty?.cat.mbPerSecond),
    },
  };
}
