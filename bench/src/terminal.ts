// Terminal round trip: keystroke → echo, `cat` of a 10 MB file (bytes counted), and Ctrl-C → prompt while `yes`
// floods. Every terminal is started first, then sessions run in interleaved rounds (A B C … A B C …) so a busy
// moment on the shared machine hits them alike. Driven by the same client code: Berth (WebSocket → BFF → server →
// entrypoint → PTY), the limit (bare WebSocket ⇄ node-pty, pty-echo-server.ts) and the peer wetty.
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
// Named by size, so a quick run and a full one never rewrite each other's file.
const bigFile = (bytes: number) => `/tmp/berth-bench-${bytes / 1e6}mb.dat`;
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
    /** Median over the rounds (one `cat` per round). */
    mbPerSecond: number;
    /** Each round's rate (absent in results from before rounds). */
    mbPerSecondSamples?: number[];
  };
  ctrlCToPromptMs: { median: number; samples: number[] };
}

export interface TerminalResult {
  method: string;
  rounds?: number;
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
  if (existsSync(bigFile(bytes)) && statSync(bigFile(bytes)).size === bytes) return;
  const line = Buffer.from(`${"x".repeat(99)}\n`);
  const block = Buffer.concat(Array.from({ length: 10_000 }, () => line));
  const fd = openSync(bigFile(bytes), "w");
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

/** One session's raw figures. */
interface Session {
  keys: number[];
  cat: Omit<TerminalFigures["cat"], "mbPerSecondSamples">;
  ctrlC: number[];
}

async function measure(
  t: TermClient,
  o: { keystrokes: number; catBytes: number; ctrlC: number },
): Promise<Session> {
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
  t.send(`stty -opost; cat ${bigFile(o.catBytes)}; stty opost; echo END-$((6*7))\r`);
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
    keys,
    cat: {
      bytes: seen.bytes,
      expectedFillerBytes: expected,
      fillerBytesSeen: seen.xs,
      lostBytes: expected - seen.xs,
      seconds: round(seconds),
      mbPerSecond: round(o.catBytes / 1e6 / seconds, 1),
    },
    ctrlC,
  };
}

/** One terminal's figures over its sessions: keystrokes pooled, `cat` rate and Ctrl-C as medians. */
function aggregate(sessions: Session[]): TerminalFigures {
  const sum = (f: (x: Session) => number) => sessions.reduce((n, x) => n + f(x), 0);
  const rates = sessions.map((x) => x.cat.mbPerSecond);
  const ctrlC = sessions.flatMap((x) => x.ctrlC);
  return {
    keystrokeMs: percentiles(sessions.flatMap((x) => x.keys)),
    cat: {
      bytes: sum((x) => x.cat.bytes),
      expectedFillerBytes: sum((x) => x.cat.expectedFillerBytes),
      fillerBytesSeen: sum((x) => x.cat.fillerBytesSeen),
      lostBytes: sum((x) => x.cat.lostBytes),
      seconds: round(median(sessions.map((x) => x.cat.seconds))),
      mbPerSecond: round(median(rates), 1),
      mbPerSecondSamples: rates,
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

/** Runs the terminal figures: 5 interleaved rounds (`quick`: one round, 2 Ctrl-Cs). */
export async function benchTerminal(options: { quick: boolean }): Promise<TerminalResult> {
  const rounds = options.quick ? 1 : 5;
  // Per session; a full run pools 5 rounds: 1,000 keystrokes, 5 `cat`s of 10 MB and 5 Ctrl-Cs per terminal.
  const o = { keystrokes: 200, catBytes: 10_000_000, ctrlC: options.quick ? 2 : 1 };
  prepareFiles(o.catBytes);
  const sessions: Partial<Record<TerminalName, Session[]>> = {};
  const errors: Record<string, string> = {};
  const connectors: [TerminalName, () => Promise<TermClient>][] = [];
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
      const session = await measure(t, o);
      const list = sessions[name] ?? [];
      sessions[name] = list;
      list.push(session);
    } catch (e) {
      errors[name] = e instanceof Error ? e.message : String(e);
    } finally {
      t?.close();
    }
  };

  const stops: (() => Promise<void>)[] = [];
  try {
    // The limit.
    const bare = child(process.execPath, [
      "--import",
      "tsx",
      fileURLToPath(new URL("pty-echo-server.ts", import.meta.url)),
    ]);
    stops.push(() => stopChild(bare));
    const barePort = await new Promise<number>((resolve, reject) => {
      createInterface({ input: bare.stdout! }).once("line", (l) =>
        resolve((JSON.parse(l) as { port: number }).port),
      );
      bare.once("exit", (code) => reject(new Error(`pty-echo-server exited with ${code}`)));
    });
    connectors.push(["bare", () => connectBare(barePort, shellScript)]);

    // Berth.
    const stack = await startBenchStack();
    stops.push(() => stack.close());
    const d = await deployBenchApp(stack, 1);
    const tab = await signIn(stack.dashboardUrl, stack.token);
    const id = d.up.deploymentId ?? "";
    connectors.push(["berth", () => connectBerth(stack.dashboardUrl, tab.cookie, id, shellScript)]);
    // The same exec without the BFF hop, as `berth exec -t` runs it; and once more without gzip on the stream.
    connectors.push(["berthGrpc", () => connectGrpc(stack.apiUrl, stack.token, id, shellScript, true)]);
    connectors.push([
      "berthGrpcNoGzip",
      () => connectGrpc(stack.apiUrl, stack.token, id, shellScript, false),
    ]);

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
      stops.push(() => stopChild(wetty));
      try {
        await waitFor(
          "wetty to listen",
          async () => (await fetch(`http://127.0.0.1:${port}/wetty/`).catch(() => undefined))?.ok,
          20_000,
          100,
        );
        connectors.push(["wetty", () => connectWetty(port)]);
      } catch (e) {
        errors.wetty = e instanceof Error ? e.message : String(e);
      }
    } else errors.wetty = "wetty is not installed (npm install wetty -w @berth/bench)";

    // A B C … A B C …: a terminal that failed once is left out of the later rounds.
    for (let r = 0; r < rounds; r++)
      for (const [name, connect] of connectors) if (!errors[name]) await record(name, connect);
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
  const terminals: TerminalResult["terminals"] = {};
  for (const [name, list] of Object.entries(sessions) as [TerminalName, Session[]][])
    if (!errors[name]) terminals[name] = aggregate(list);

  const b = terminals.berth;
  return {
    rounds,
    method:
      "One interactive /bin/sh (PS1 set, in a PTY, TERM=xterm-256color) per terminal, driven by the same Node client. " +
      `Every terminal is started first; then ${rounds} interleaved round(s), each one session per terminal in turn ` +
      "(bare, berth, berthGrpc, berthGrpcNoGzip, wetty, bare, …). Per session: " +
      `${o.keystrokes} single letters, each timed from send to its echo (canonical-mode PTY echo; percentiles over ` +
      "all rounds' keystrokes). " +
      `cat: \`stty -opost; cat <${o.catBytes / 1e6} MB file>\` (lines of 99 "x" + newline), timed from the command to ` +
      "an end marker; every filler byte counted; the rate is the median over the rounds. Ctrl-C: `yes` floods for 300 ms, then ^C is sent, timed until the " +
      `prompt is back (the pipeline's buffered output drains first), ${o.ctrlC} time(s) per session, the median over all. berth = WebSocket to the BFF's ` +
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
